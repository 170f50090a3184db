import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseFixture, readFixture } from './fixtureFile.ts';

const fixturesDirectory = fileURLToPath(new URL('./fixtures', import.meta.url));

describe('event fixtures', () => {
  it('every committed fixture passes the event schemas', async () => {
    const files = (await readdir(fixturesDirectory)).filter((name) => name.endsWith('.ndjson'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const reading = await readFixture(`${fixturesDirectory}/${file}`);
      expect(reading, file).toMatchObject({ ok: true });
    }
  });

  it('reports each bad line with its number and the schema error', () => {
    const good = JSON.stringify({
      eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      type: 'todo.created',
      version: 1,
      position: 1000,
      occurredAt: '2026-01-01T00:00:00.000Z',
      aggregateId: '1',
      correlationId: 'test',
      data: { todoId: 1, title: 'ok' },
    });
    const wrongType = good.replace('"todo.created"', '"todo.invented"');
    const missingTitle = good.replace(',"title":"ok"', '').replace('"position":1000', '"position":3000');
    const reading = parseFixture([good, '{not json', wrongType, '', missingTitle, good].join('\n'));
    expect(reading.ok).toBe(false);
    if (reading.ok) return;
    expect(reading.problems.map((problem) => problem.line)).toEqual([2, 3, 5, 6]);
    expect(reading.problems[0]!.message).toMatch(/^not JSON/);
    expect(reading.problems[1]!.message).toMatch(/^type: /);
    expect(reading.problems[2]!.message).toMatch(/^data\.title: /);
    expect(reading.problems[3]!.message).toBe('position 1000 does not follow 1000');
  });
});
