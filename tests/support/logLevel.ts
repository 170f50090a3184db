// The tests' log level. Powertools' logger takes its level from POWERTOOLS_LOG_LEVEL when it is
// created and goes back to it after each invocation (setLogLevel lasts until the next one's sampling
// refresh), so the level is the library's environment variable, set before the functions load. It
// is the logger's setting, not the project's: those are given with configure() (config.ts).
export type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'CRITICAL' | 'SILENT';

export function logAtLeast(level: LogLevel): void {
  process.env.POWERTOOLS_LOG_LEVEL = level;
}
