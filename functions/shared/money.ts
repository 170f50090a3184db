// Money is integer cents inside and a decimal number with two places in JSON.

/** Every amount is in this currency (ISO 4217); events from order.created v2 on say so. */
export const CURRENCY = 'USD';

/** Largest amount accepted, in cents: far below 2^53 so sums of many amounts stay exact. */
export const MAX_CENTS = 1_000_000_000_000; // ten billion units

/**
 * Cents from a JSON amount (a number such as 1299.99 or a string such as "1299.99"); null when the
 * value is not a non-negative amount with at most two decimals within MAX_CENTS.
 */
export function toCents(amount: number | string): number | null {
  if (typeof amount === 'string') {
    const match = /^(\d{1,15})(?:\.(\d{1,2}))?$/.exec(amount.trim());
    if (!match) return null;
    const cents = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
    return cents <= MAX_CENTS ? cents : null;
  }
  if (!Number.isFinite(amount) || amount < 0) return null;
  // A double that is the nearest one to a two-decimal number prints back as that number; 0.1 + 0.2
  // (0.30000000000000004) and 1.005 do not and are refused rather than silently rounded.
  if (Number(amount.toFixed(2)) !== amount) return null;
  const cents = Math.round(amount * 100) + 0; // + 0 turns -0 into 0
  return cents <= MAX_CENTS ? cents : null;
}

/** The JSON number for an amount in cents: 8997 → 89.97. */
export function fromCents(cents: number): number {
  return cents / 100;
}
