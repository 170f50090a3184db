import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { eventTypes, latestVersions } from './contracts.ts';
import { jsonSchemaFiles } from './jsonSchemas.ts';

describe('the JSON Schemas published under events/schemas', () => {
  it('exist for every event type and match the zod contracts (run `npm run events:schemas`)', async () => {
    const files = jsonSchemaFiles();
    expect(Object.keys(files).sort()).toEqual(
      [
        ...eventTypes.map((type) => `${type}.v${latestVersions[type]}.json`),
        'order.created.v1.json',
        'user.created.v1.json',
        'todo.created.v1.json',
      ].sort(),
    );
    for (const [fileName, content] of Object.entries(files)) {
      const published = await readFile(new URL(`./schemas/${fileName}`, import.meta.url), 'utf8');
      expect(published, fileName).toBe(content);
    }
  });
});
