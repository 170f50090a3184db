// The functions serverless.yml declares with an HTTP event: the routes' functions, which it takes from
// their contracts (infra/deploy/httpFunctions.ts), and those it writes out itself (the fallback's
// catch-all). (`functions` is a list: the projectors and the routes' functions are variables.)
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { routeFunctions } from '../../infra/deploy/httpFunctions.ts';

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
  return Object.assign(routeFunctions(), ...functions.filter((entry) => typeof entry === 'object'));
}
