import { describe, expect, it } from 'vitest';
import { MAX_CENTS, fromCents, toCents } from './money.ts';

describe('toCents', () => {
  it.each([
    [89.97, 8997],
    [1299.99, 129999],
    [0, 0],
    [50, 5000],
    [50.5, 5050],
    [50.05, 5005],
    [0.01, 1],
    [0.1, 10],
  ])('converts the number %s to %s cents', (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  it.each([
    ['50', 5000],
    ['50.5', 5050],
    ['50.05', 5005],
    ['89.97', 8997],
    ['1299.99', 129999],
    ['0', 0],
    ['0.00', 0],
    [' 12.30 ', 1230],
  ])('converts the string %j to %s cents', (amount, cents) => {
    expect(toCents(amount)).toBe(cents);
  });

  it('refuses numbers with more than two decimals instead of rounding them', () => {
    expect(toCents(1.005)).toBeNull();
    expect(toCents(0.1 + 0.2)).toBeNull();
    expect(toCents(0.001)).toBeNull();
    expect(toCents(12.345)).toBeNull();
  });

  it('refuses strings with more than two decimals', () => {
    expect(toCents('1.005')).toBeNull();
    expect(toCents('0.001')).toBeNull();
  });

  it('refuses negative amounts', () => {
    expect(toCents(-1)).toBeNull();
    expect(toCents(-0.01)).toBeNull();
    expect(toCents('-1')).toBeNull();
    expect(toCents('-0.01')).toBeNull();
  });

  it('refuses NaN and infinities', () => {
    expect(toCents(Number.NaN)).toBeNull();
    expect(toCents(Number.POSITIVE_INFINITY)).toBeNull();
    expect(toCents(Number.NEGATIVE_INFINITY)).toBeNull();
    expect(toCents('NaN')).toBeNull();
    expect(toCents('Infinity')).toBeNull();
  });

  it('accepts MAX_CENTS and refuses anything above it', () => {
    const max = MAX_CENTS / 100;
    expect(toCents(max)).toBe(MAX_CENTS);
    expect(toCents(String(max))).toBe(MAX_CENTS);
    expect(toCents(max + 0.01)).toBeNull();
    expect(toCents(`${max}.01`)).toBeNull();
    expect(toCents(max + 1)).toBeNull();
    expect(toCents('999999999999999.99')).toBeNull();
  });

  it('refuses exponent forms that are out of range or below a cent', () => {
    expect(toCents(1e21)).toBeNull();
    expect(toCents(1e-7)).toBeNull();
    expect(toCents('1e2')).toBeNull();
    expect(toCents('1e21')).toBeNull();
    expect(toCents('1e-7')).toBeNull();
  });

  it.each(['', ' ', 'abc', '.5', '5.', '+5', '1,00', '0x10', '1.2.3', '12 34'])(
    'refuses the malformed string %j',
    (amount) => {
      expect(toCents(amount)).toBeNull();
    },
  );
});

describe('fromCents', () => {
  it('turns cents into the JSON number with two places', () => {
    expect(fromCents(8997)).toBe(89.97);
    expect(fromCents(129999)).toBe(1299.99);
    expect(fromCents(5)).toBe(0.05);
    expect(fromCents(0)).toBe(0);
  });

  it('round-trips every cent value from 0 to 100000 in steps of 37, through JSON too', () => {
    const broken: number[] = [];
    for (let cents = 0; cents <= 100_000; cents += 37) {
      const amount = fromCents(cents);
      if (toCents(amount) !== cents) broken.push(cents);
      if (toCents(JSON.parse(JSON.stringify(amount)) as number) !== cents) broken.push(cents);
      if (toCents(amount.toFixed(2)) !== cents) broken.push(cents);
    }
    expect(broken).toEqual([]);
  });

  it.each([MAX_CENTS, MAX_CENTS - 1, 999_999_999_999, 123_456_789_012, 2 ** 39, 100_000_001])(
    'round-trips the large value %s',
    (cents) => {
      expect(toCents(fromCents(cents))).toBe(cents);
      expect(toCents(fromCents(cents).toFixed(2))).toBe(cents);
    },
  );
});

describe('toCents of negative zero', () => {
  it('is plain zero, so that no -0 reaches a total or a comparison', () => {
    expect(Object.is(toCents(-0), 0)).toBe(true);
  });
});
