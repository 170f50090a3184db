// The token issuer's public signing keys, for the functions inside the VPC (issuerKeySet.ts). It runs
// outside the VPC, where the issuer is reachable, reads no secret and has no permission but its logs.
// The keys are kept a minute, so a burst of cold starts costs the issuer one fetch; a function asks
// again for a kid it has not seen (at most every 30 s) and once its keys are 10 minutes old, so a
// new key is taken within about 90 s and a withdrawn one is dropped within about 11 minutes.
import type { JSONWebKeySet } from 'jose';
import { settings } from '../shared/config.ts';
import { readIssuerKeys } from '../shared/http/issuerKeySet.ts';

const KEEP_MS = 60_000;
let kept: { keys: JSONWebKeySet; at: number } | undefined;

export const handler = async (): Promise<JSONWebKeySet> => {
  if (kept && Date.now() - kept.at < KEEP_MS) return kept.keys;
  if (!settings.AUTH_ISSUER_URL) throw new Error('Invalid configuration: AUTH_ISSUER_URL: is not set');
  kept = { keys: await readIssuerKeys(settings.AUTH_ISSUER_URL), at: Date.now() };
  return kept.keys;
};
