// Every command-line tool answers an unknown flag with what is wrong and its usage, exit code 2, and
// no stack trace; `--help` with its usage and 0. Each runs as npm runs it (tsx), before it connects
// to anything.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every npm script that runs a tool of ours: the last .ts file it names (a preload comes before). */
const scripts = (
  JSON.parse(readFileSync(`${projectRoot}/package.json`, 'utf8')) as { scripts: Record<string, string> }
).scripts;
const tools = Object.fromEntries(
  Object.entries(scripts).flatMap(([name, command]) => {
    const file = command.match(/[\w./-]+\.ts\b/g)?.at(-1);
    return file ? [[name, file.replace(/^\.\//, '')]] : [];
  }),
);

async function runTool(file: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', file, ...args], {
      cwd: projectRoot,
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the command-line tools', () => {
  it('are every tool npm runs', () => {
    expect(Object.keys(tools)).toEqual(
      expect.arrayContaining(['dev', 'check', 'dlq', 'heal', 'rebuild', 'replay', 'bench', 'openapi']),
    );
  });

  it.each(Object.entries(tools))(
    'npm run %s answers an unknown flag with its usage and exit code 2',
    async (name, file) => {
      const result = await runTool(file, '--no-such-flag');
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("Unknown option '--no-such-flag'");
      expect(result.stderr).toContain(`Usage: npm run ${name}`);
      expect(result.stderr).not.toMatch(/\n\s+at .*:\d+:\d+/);
    },
  );

  it('print their usage for --help and exit 0', async () => {
    const result = await runTool(tools.heal!, '--help');
    expect(result).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: npm run heal') });
  });
});
