// The issuer's signing keys as a function keeps them between requests: fetched once, again when they
// are old, and through an issuer outage the last good ones for a bounded time, so that an outage is
// neither a 503 for every caller at once nor a fetch (an issuerKeys invocation in the cloud) per
// request. One keeper serves the token check (bearerToken.ts) and the issuerKeys function alike.
import { createLocalJWKSet, type JSONWebKeySet } from 'jose';
import { logger } from '../logger.ts';

/**
 * Past their freshness, keys are kept through an outage this much longer and no more: an hour, the
 * default lifetime of a Cognito access token, so that every token issued before the outage began
 * stays verifiable until it expires by itself; the same hour bounds how long a key the issuer withdrew
 * meanwhile (which nobody can hear of during the outage) is still trusted.
 */
export const KEY_OUTAGE_GRACE_MS = 3_600_000;
/**
 * After a fetch, none other for this long (unless a token names a kid not seen, below): a failed one
 * is remembered, so that an outage costs the issuer, or the issuerKeys function, a call per container
 * every 10 s, and a request without good keys a 503 at once rather than a wait on the timeout.
 */
export const KEY_FETCH_RETRY_MS = 10_000;
/** Ask again for a kid not seen at most this often: a forged kid costs a fetch at most this often. */
export const KEY_UNKNOWN_KID_COOLDOWN_MS = 30_000;

/**
 * A key set as fetched, with when the issuer served it (ms since the epoch). The issuerKeys function
 * answers its own copy's time as `fetchedAt` (RFC 7517 lets a JWKS carry members a reader ignores),
 * so that a set kept in two places is not counted fresh twice over.
 */
export type FetchedKeySet = JSONWebKeySet & { fetchedAt?: number };

export interface HeldKeySet {
  keys: JSONWebKeySet;
  fetchedAt: number;
  verifyingKey: ReturnType<typeof createLocalJWKSet>;
}

export interface KeptKeySet {
  /** fresh keys, or past their freshness the last good ones within the grace; throws when there are none */
  current(): Promise<HeldKeySet>;
  /** for a kid the held keys lack: fetched again unless asked within the cooldown */
  refreshed(): Promise<HeldKeySet>;
}

export function keptKeySet(
  fetch: () => Promise<FetchedKeySet>,
  /** how long a fetched set is fresh: when older it is fetched again */
  maxAgeMs: number,
  now: () => number = () => Date.now(),
): KeptKeySet {
  let held: HeldKeySet | undefined;
  let lastAttempt = -Infinity;
  let failure: unknown;
  let inFlight: Promise<void> | undefined;

  // one fetch at a time: concurrent requests of one process wait for the same answer
  const fetchNow = () =>
    (inFlight ??= (async () => {
      lastAttempt = now();
      try {
        const { fetchedAt: servedAt, ...keys } = await fetch();
        // an invalid set is a failed fetch, not keys to hold (createLocalJWKSet checks it)
        const verifyingKey = createLocalJWKSet(keys);
        const fetchedAt = Math.min(typeof servedAt === 'number' ? servedAt : Infinity, now());
        // an answer older than what is held (an issuerKeys copy from before) replaces nothing
        if (!held || fetchedAt >= held.fetchedAt) held = { keys, fetchedAt, verifyingKey };
        failure = undefined;
      } catch (error) {
        failure = error;
        logger.warn('could not fetch the token issuer’s keys', {
          reason: error instanceof Error ? error.message : String(error),
          keptKeysAgeMs: held ? now() - held.fetchedAt : null,
        });
      }
    })().finally(() => {
      inFlight = undefined;
    }));

  const usable = (): HeldKeySet => {
    if (held && now() - held.fetchedAt < maxAgeMs + KEY_OUTAGE_GRACE_MS) return held;
    throw failure ?? new Error('the token issuer’s keys are too old and no newer ones could be had');
  };

  return {
    async current() {
      const fresh = held !== undefined && now() - held.fetchedAt < maxAgeMs;
      if (!fresh && (inFlight || now() - lastAttempt >= KEY_FETCH_RETRY_MS)) await fetchNow();
      return usable();
    },
    async refreshed() {
      if (inFlight || now() - lastAttempt >= KEY_UNKNOWN_KID_COOLDOWN_MS) await fetchNow();
      return usable();
    },
  };
}
