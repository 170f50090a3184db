import { describe, expect, it } from 'vitest';
import type { StreamHead } from '../../relay/streamHead.ts';
import { beyondHead, POSITION_LEEWAY } from './projectionProgress.ts';

const head = (headPosition: number): StreamHead => ({
  headPosition,
  headOccurredAt: null,
  publishedSequences: {},
  updatedAt: '2026-12-03T00:00:00.000Z',
});

describe('beyondHead', () => {
  it('takes a position a command may have answered before the relay published it', () => {
    expect(beyondHead(5_000_000_000, head(5_000_000_000))).toBe(false);
    // a command committed since the relay's last run: its transaction is later than the head's
    expect(beyondHead(5_000_123_002, head(5_000_000_000))).toBe(false);
    expect(beyondHead(5_000_000_000 + POSITION_LEEWAY, head(5_000_000_000))).toBe(false);
  });

  it('refuses a position further than any command can have got', () => {
    expect(beyondHead(5_000_000_001 + POSITION_LEEWAY, head(5_000_000_000))).toBe(true);
    expect(beyondHead(Number('9999999999999999'), head(5_000_000_000))).toBe(true);
  });

  it('cannot tell before the relay has written a head', () => {
    expect(beyondHead(Number('9999999999999999'), undefined)).toBe(false);
  });
});
