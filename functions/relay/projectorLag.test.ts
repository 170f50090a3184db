// How far a projector is behind: events, and the age of the oldest it has not applied.
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../projectors/projection.ts';
import { projectorLag } from './projectorLag.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const at = (sequence: number, heldCount = 0) => ({ sequence, heldCount }) as Checkpoint;

describe('projectorLag', () => {
  it('is nothing for a projector at its stream’s head, however old its last event', () => {
    expect(projectorLag('invoices', 40, at(40), undefined, NOW)).toEqual({
      stream: 'invoices',
      eventsBehind: 0,
      secondsBehind: 0,
      heldEvents: 0,
    });
  });

  it('is the age of the oldest event not applied: it grows while the projector stands still', () => {
    const oldest = new Date(NOW - 90_000);
    expect(projectorLag('analytics', 50, at(40, 3), oldest, NOW)).toEqual({
      stream: 'analytics',
      eventsBehind: 10,
      secondsBehind: 90,
      heldEvents: 3,
    });
    expect(projectorLag('analytics', 50, at(40, 3), oldest, NOW + 60_000).secondsBehind).toBe(150);
  });

  it('counts a projector that never applied anything as behind by the whole stream', () => {
    expect(projectorLag('directory', 7, undefined, new Date(NOW - 1_500), NOW)).toMatchObject({
      eventsBehind: 7,
      secondsBehind: 1.5,
    });
  });
});
