// How `npm run dev` prints what its Lambdas log: each Powertools JSON line as one short line of text
// (a request: method, path, status, milliseconds, correlation id; a projector batch; anything else
// with its level and fields). serverless-offline's boxed list of routes (printed with console.log,
// whatever its log level) is left out; other lines pass as they are. `--verbose` prints everything
// as it comes.

/** What Powertools adds to every line: context, not news. */
const CONTEXT_KEYS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'correlation_id',
]);

const time = (timestamp: unknown) =>
  typeof timestamp === 'string' ? timestamp.slice(11, 19) : new Date().toISOString().slice(11, 19);

const fields = (entry: Record<string, unknown>) =>
  Object.entries(entry)
    .filter(([key]) => !CONTEXT_KEYS.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');

/** a line of a box drawn with boxen, colored or not (an ANSI color code may come first) */
// eslint-disable-next-line no-control-regex
const BOX_LINE = /^\s*(?:\x1b\[[0-9;]*m)*[┌│└]/;

/** The line to print for `line`, or undefined for none. */
export function presentLogLine(line: string): string | undefined {
  if (BOX_LINE.test(line)) return undefined;
  if (!line.startsWith('{"level"')) return line;
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const at = time(entry.timestamp);
  if (entry.message === 'request handled') {
    return `${at} ${entry.method} ${entry.path} ${entry.statusCode} ${entry.durationMs} ms ${entry.correlation_id ?? ''}`.trimEnd();
  }
  if (entry.message === 'applied a batch') {
    const { projector, applied, duplicates, held, parked, sequence } = entry;
    return `${at} ${projector} projector: ${applied} applied, ${duplicates} duplicate, ${held} held, ${parked} parked → sequence ${sequence}`;
  }
  const own = fields(entry);
  return `${at} ${String(entry.level).toLowerCase()} ${entry.message}${own ? ` ${own}` : ''}`;
}
