// Event payload fixtures: one event envelope per line (NDJSON), at any event version (older ones
// are upcast). Every line is checked against the
// event schemas before anything is written, and positions must increase.
import { readFile } from 'node:fs/promises';
import type { DomainEvent } from './contracts.ts';
import { parseStoredEvent } from './storedEvents.ts';

export interface FixtureProblem {
  line: number;
  message: string;
}

export type FixtureReading = { ok: true; events: DomainEvent[] } | { ok: false; problems: FixtureProblem[] };

export function parseFixture(text: string): FixtureReading {
  const events: DomainEvent[] = [];
  const problems: FixtureProblem[] = [];
  let lastPosition = 0;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (error) {
      problems.push({ line, message: `not JSON: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    const parsed = parseStoredEvent(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      problems.push({ line, message: `${issue.path.join('.') || 'event'}: ${issue.message}` });
      return;
    }
    if (parsed.data.position <= lastPosition) {
      problems.push({ line, message: `position ${parsed.data.position} does not follow ${lastPosition}` });
      return;
    }
    lastPosition = parsed.data.position;
    events.push(parsed.data);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, events };
}

export async function readFixture(path: string): Promise<FixtureReading> {
  return parseFixture(await readFile(path, 'utf8'));
}
