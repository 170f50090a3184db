import { describe, expect, it } from 'vitest';
import { presentLogLine } from './devLog.ts';

const powertools = (fields: Record<string, unknown>) =>
  JSON.stringify({
    level: 'INFO',
    message: 'request handled',
    timestamp: '2026-12-02T10:11:12.345Z',
    service: 'cqrs-commerce',
    cold_start: false,
    function_name: 'health',
    correlation_id: 'c0ffee',
    ...fields,
  });

describe('presentLogLine', () => {
  it('prints a request as one line: method, path, status, milliseconds, correlation id', () => {
    expect(
      presentLogLine(powertools({ method: 'GET', path: '/health', statusCode: 200, durationMs: 12 })),
    ).toBe('10:11:12 GET /health 200 12 ms c0ffee');
  });

  it('prints a projector batch as one line', () => {
    const line = powertools({
      message: 'applied a batch',
      projector: 'analytics',
      applied: 3,
      duplicates: 1,
      held: 0,
      parked: 0,
      sequence: 42,
    });
    expect(presentLogLine(line)).toBe(
      '10:11:12 analytics projector: 3 applied, 1 duplicate, 0 held, 0 parked → sequence 42',
    );
  });

  it('prints anything else with its level and own fields, and other lines as they are', () => {
    expect(presentLogLine(powertools({ level: 'WARN', message: 'parked an event', reason: 'bad' }))).toBe(
      '10:11:12 warn parked an event reason=bad',
    );
    expect(presentLogLine('Server ready: http://localhost:3000')).toBe('Server ready: http://localhost:3000');
  });

  it('leaves out serverless-offline’s box of routes', () => {
    for (const line of [
      '┌──────┐',
      '│   GET | http://localhost:3000/health  │',
      '\x1b[33m└──────┘\x1b[39m',
    ]) {
      expect(presentLogLine(line)).toBeUndefined();
    }
  });
});
