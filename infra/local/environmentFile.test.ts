// .env.example lists every variable the stack reads: every setting of functions/shared/config.ts and
// every variable of the environment variables table in docs/configuration.md.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { settingNames } from '../../functions/shared/config.ts';

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('.env.example', () => {
  it('names every setting and every variable docs/configuration.md documents', async () => {
    const example = await read('.env.example');
    const listed = new Set([...example.matchAll(/^# ([A-Z_]+)=/gm)].map((match) => match[1]));
    const configuration = await read('docs/configuration.md');
    const table = configuration.slice(
      configuration.indexOf('## Environment variables'),
      configuration.indexOf('## Stage parameters'),
    );
    const documented = [...table.matchAll(/^\| ([^|]+) \|/gm)].flatMap((row) =>
      [...row[1]!.matchAll(/`([A-Z_]+)`/g)].map((match) => match[1]!),
    );
    expect(documented.length).toBeGreaterThan(10);
    const missing = [...settingNames, ...documented].filter((name) => !listed.has(name));
    expect(missing).toEqual([]);
  });
});
