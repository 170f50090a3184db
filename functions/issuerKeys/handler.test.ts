// The issuerKeys function through an issuer outage: it answers the last keys it had, with when it
// fetched them (so that the functions count their age from then), asks the issuer again at most every
// 10 s, and fails once they are past the outage grace.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { configure, resetConfiguration } from '../shared/config.ts';
import { KEY_FETCH_RETRY_MS, KEY_OUTAGE_GRACE_MS } from '../shared/http/keptKeySet.ts';
import { logger } from '../shared/logger.ts';

// given before the function loads: it reads its issuer at cold start
const ISSUER = 'https://issuer.test';
configure({ AUTH_ISSUER_URL: ISSUER });
const KEY = { kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' };

vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
afterAll(() => {
  resetConfiguration();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

describe('the issuerKeys function', () => {
  it('answers its last keys through an outage, with their age, and asks the issuer every 10 s', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    let reachable = true;
    const fetched: string[] = [];
    vi.stubGlobal(
      'fetch',
      vi.fn(async (url: string) => {
        fetched.push(String(url));
        if (!reachable) throw new TypeError('fetch failed');
        const body = String(url).endsWith('/openid-configuration')
          ? { jwks_uri: `${ISSUER}/jwks.json` }
          : { keys: [KEY] };
        return new Response(JSON.stringify(body), { status: 200 });
      }),
    );
    const { handler } = await import('./handler.ts');

    expect(await handler()).toEqual({ keys: [KEY], fetchedAt: start });
    // kept a minute
    vi.setSystemTime(start + 59_000);
    await handler();
    expect(fetched).toHaveLength(2);

    reachable = false;
    vi.setSystemTime(start + 5 * 60_000);
    for (let invocation = 0; invocation < 10; invocation++) {
      expect(await handler()).toEqual({ keys: [KEY], fetchedAt: start });
    }
    // one failed discovery for ten invocations
    expect(fetched).toHaveLength(3);
    vi.setSystemTime(start + 5 * 60_000 + KEY_FETCH_RETRY_MS);
    await handler();
    expect(fetched).toHaveLength(4);

    vi.setSystemTime(start + 60_000 + KEY_OUTAGE_GRACE_MS);
    await expect(handler()).rejects.toThrow(/fetch failed/);
  });
});
