// The one way the project's command-line tools read their arguments: node:util's parseArgs, strict,
// with `--help`/`-h` added. An unknown flag, a missing value or a stray argument prints what is wrong
// and the tool's usage, and exits 2; `--help` prints the usage and exits 0. No stack trace.
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Prints `problem` (if any) and the usage to standard error, and exits 2. */
export function exitWithUsage(usage: string, problem?: string): never {
  console.error(problem ? `${problem}\n\n${usage}` : usage);
  process.exit(2);
}

export function parseCommandLine<T extends ParseArgsConfig>(config: T, usage: string) {
  const withHelp = {
    ...config,
    strict: true,
    options: { ...config.options, help: { type: 'boolean', short: 'h', default: false } },
  } as const;
  let parsed: ReturnType<typeof parseArgs<T>>;
  try {
    parsed = parseArgs(withHelp) as unknown as ReturnType<typeof parseArgs<T>>;
  } catch (error) {
    exitWithUsage(usage, error instanceof Error ? error.message : String(error));
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    process.exit(0);
  }
  return parsed;
}
