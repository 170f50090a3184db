// The functions serverless.yml writes out, read from the file: the HTTP functions. (`functions` is a
// list: the projectors come first, derived from the projection catalog by a variable.)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export interface HttpApiEvent {
  httpApi: { method: string; path: string };
}

export interface WrittenFunction {
  handler: string;
  events?: (HttpApiEvent | Record<string, unknown>)[];
}

/** A route of its own (not the catch-all `httpApi: '*'` of functions/fallback). */
export const isRouteEvent = (event: HttpApiEvent | Record<string, unknown>): event is HttpApiEvent =>
  typeof (event as { httpApi?: unknown }).httpApi === 'object';

export async function writtenFunctions(): Promise<Record<string, WrittenFunction>> {
  const text = await readFile(fileURLToPath(new URL('../../serverless.yml', import.meta.url)), 'utf8');
  const { functions } = parse(text) as { functions: (string | Record<string, WrittenFunction>)[] };
  return Object.assign({}, ...functions.filter((entry) => typeof entry === 'object'));
}
