// When the relay re-publishes a stream's missing numbers, and which: a gap the projector holds events
// beyond, a stream that stopped short of its head, never a backlog still in the queue.
import { describe, expect, it } from 'vitest';
import type { Checkpoint } from '../projectors/projection.ts';
import { gapToHeal, newHealMemory, type HealOptions, type StreamProgress } from './healGaps.ts';

const options: HealOptions = { healAfterMs: 10_000, limit: 1_000 };
const T0 = Date.parse('2026-12-01T12:00:00Z');

const checkpoint = (sequence: number, held?: { count: number; from: number; since: number }): Checkpoint => ({
  sequence,
  position: sequence * 1000,
  occurredAt: '2026-12-01T11:00:00.000Z',
  appliedAt: '2026-12-01T11:00:00.000Z',
  parkedCount: 0,
  heldCount: held?.count ?? 0,
  ...(held && { heldFrom: held.from, waitingSince: new Date(held.since).toISOString() }),
  updatedAt: '2026-12-01T11:00:00.000Z',
});

const progress = (head: number, at: Checkpoint | undefined, queueDepth = 0): StreamProgress => ({
  stream: 'directory',
  head,
  checkpoint: at,
  queueDepth,
});

describe('gapToHeal', () => {
  it('leaves a projector at its head alone', () => {
    expect(gapToHeal(progress(50, checkpoint(50)), newHealMemory(), T0, options)).toBeUndefined();
  });

  it('fills a stream that stopped short of its head once it has stood still for the wait', () => {
    const memory = newHealMemory();
    expect(gapToHeal(progress(50, checkpoint(40)), memory, T0, options)).toBeUndefined();
    expect(gapToHeal(progress(50, checkpoint(40)), memory, T0 + 9_999, options)).toBeUndefined();
    expect(gapToHeal(progress(50, checkpoint(40)), memory, T0 + 10_000, options)).toEqual({
      stream: 'directory',
      from: 41,
      to: 50,
      cut: false,
    });
  });

  it('starts the wait again whenever the projector moves', () => {
    const memory = newHealMemory();
    gapToHeal(progress(50, checkpoint(40)), memory, T0, options);
    expect(gapToHeal(progress(60, checkpoint(45)), memory, T0 + 10_000, options)).toBeUndefined();
    expect(gapToHeal(progress(60, checkpoint(45)), memory, T0 + 20_000, options)).toMatchObject({ from: 46 });
  });

  it('fills up to the first held event, as soon as the projector has waited on it long enough', () => {
    const held = checkpoint(40, { count: 7, from: 44, since: T0 - 10_000 });
    expect(gapToHeal(progress(60, held, 3), newHealMemory(), T0, options)).toEqual({
      stream: 'directory',
      from: 41,
      to: 43,
      cut: false,
    });
  });

  it('does not take a backlog waiting in the queue for a gap', () => {
    const memory = newHealMemory();
    gapToHeal(progress(500, checkpoint(40), 460), memory, T0, options);
    expect(gapToHeal(progress(500, checkpoint(40), 460), memory, T0 + 60_000, options)).toBeUndefined();
  });

  it('sends at most `limit` at a time, and the rest as soon as that part is applied', () => {
    const memory = newHealMemory();
    const small = { ...options, limit: 100 };
    gapToHeal(progress(1_000, checkpoint(0)), memory, T0, small);
    const first = gapToHeal(progress(1_000, checkpoint(0)), memory, T0 + 10_000, small);
    expect(first).toEqual({ stream: 'directory', from: 1, to: 100, cut: true });
    memory.healed.set('directory', { from: 1, to: 100, at: T0 + 10_000, cut: true });
    // not applied yet: no second copy
    expect(gapToHeal(progress(1_000, checkpoint(0)), memory, T0 + 10_500, small)).toBeUndefined();
    expect(gapToHeal(progress(1_000, checkpoint(100)), memory, T0 + 11_000, small)).toMatchObject({
      from: 101,
      to: 200,
    });
  });

  it('does not send the same range again before the wait has passed', () => {
    const memory = newHealMemory();
    gapToHeal(progress(50, checkpoint(40)), memory, T0, options);
    gapToHeal(progress(50, checkpoint(40)), memory, T0 + 10_000, options);
    memory.healed.set('directory', { from: 41, to: 50, at: T0 + 10_000, cut: false });
    expect(gapToHeal(progress(50, checkpoint(40)), memory, T0 + 15_000, options)).toBeUndefined();
    expect(gapToHeal(progress(50, checkpoint(40)), memory, T0 + 20_000, options)).toMatchObject({ from: 41 });
  });

  it('sends the next event again when it is the one held (a batch failed after holding it)', () => {
    const held = checkpoint(40, { count: 3, from: 41, since: T0 - 10_000 });
    expect(gapToHeal(progress(60, held), newHealMemory(), T0, options)).toMatchObject({ from: 41, to: 41 });
  });

  it('does not send a range again while the last copy of it still waits in the queue', () => {
    const memory = newHealMemory();
    const held = checkpoint(40, { count: 7, from: 44, since: T0 - 10_000 });
    memory.healed.set('directory', { from: 41, to: 43, at: T0 - 20_000, cut: false });
    expect(gapToHeal(progress(60, held, 3), memory, T0, options)).toBeUndefined();
    expect(gapToHeal(progress(60, held, 0), memory, T0, options)).toMatchObject({ from: 41, to: 43 });
  });

  it('fills what is missing at once when the operator asks', () => {
    expect(gapToHeal(progress(50, undefined, 12), newHealMemory(), T0, { ...options, force: true })).toEqual({
      stream: 'directory',
      from: 1,
      to: 50,
      cut: false,
    });
  });
});
