import { describe, expect, it } from 'vitest';
import { keptFor } from './keptFor.ts';

describe('keptFor', () => {
  it('runs the check once for the calls within its time, and for those that came while it ran', async () => {
    let now = 0;
    let runs = 0;
    const check = keptFor(
      5_000,
      async () => ++runs,
      () => now,
    );
    expect(await Promise.all([check(), check(), check()])).toEqual([1, 1, 1]);
    now = 4_999;
    expect(await check()).toBe(1);
    now = 5_000;
    expect(await check()).toBe(2);
    expect(runs).toBe(2);
  });

  it('keeps no failure: the next call checks again', async () => {
    let runs = 0;
    const check = keptFor(5_000, async () => {
      runs += 1;
      if (runs === 1) throw new Error('down');
      return runs;
    });
    await expect(check()).rejects.toThrow('down');
    expect(await check()).toBe(2);
  });
});
