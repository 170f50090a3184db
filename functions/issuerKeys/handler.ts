// The token issuer's public signing keys, for the functions inside the VPC (issuerKeySet.ts). It runs
// outside the VPC, where the issuer is reachable, reads no secret and has no permission but its logs.
// The keys are kept a minute, so a burst of cold starts costs the issuer one fetch; a function asks
// again for a kid it has not seen (at most every 30 s) and once its keys are 10 minutes old, so a
// new key is taken within about 90 s and a withdrawn one is dropped within about 11 minutes. When the
// issuer cannot be reached it answers the last keys it had, with when it fetched them, for the outage
// grace of keptKeySet.ts (a function counts their age from then), and tries the issuer again at most
// every 10 s: an outage does not become a wait on the issuer per invocation.
import { settings } from '../shared/config.ts';
import { readIssuerKeys } from '../shared/http/issuerKeySet.ts';
import { keptKeySet, type FetchedKeySet } from '../shared/http/keptKeySet.ts';

const KEEP_MS = 60_000;

const issuerUrl = settings.AUTH_ISSUER_URL;
const kept = issuerUrl ? keptKeySet(() => readIssuerKeys(issuerUrl), KEEP_MS) : undefined;

export const handler = async (): Promise<FetchedKeySet> => {
  if (!kept) throw new Error('Invalid configuration: AUTH_ISSUER_URL: is not set');
  const { keys, fetchedAt } = await kept.current();
  return { ...keys, fetchedAt };
};
