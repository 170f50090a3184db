// Where the token issuer's public signing keys (its JWKS) come from: its own endpoint, named by its
// OpenID discovery document (locally, and the issuerKeys function), or, for the deployed functions,
// the issuerKeys function, which runs outside the VPC, where the issuer is reachable; those inside the
// VPC, which has no route out, reach it through the VPC's Lambda endpoint (as commands wake the
// relay), and the others take the same path, for one path in the cloud. The keys are public. How long
// they are kept: keptKeySet.ts.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import { lambda } from '../aws.ts';
import { settings } from '../config.ts';
import type { FetchedKeySet } from './keptKeySet.ts';

const jwks = z.looseObject({
  keys: z.array(z.looseObject({ kty: z.string() })),
  fetchedAt: z.number().optional(),
});

/** Where the issuer publishes its signing keys, from its OpenID discovery document. */
export async function discoverJwksUri(issuerUrl: string): Promise<URL> {
  const discoveryUrl = `${issuerUrl.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(discoveryUrl, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${discoveryUrl} answered ${response.status}`);
  const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
  if (typeof jwksUri !== 'string') throw new Error(`${discoveryUrl} names no jwks_uri`);
  return new URL(jwksUri);
}

/** The issuer's keys as its JWKS endpoint publishes them. */
export async function readIssuerKeys(issuerUrl: string): Promise<FetchedKeySet> {
  const uri = await discoverJwksUri(issuerUrl);
  const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${uri} answered ${response.status}`);
  const parsed = jwks.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${uri} is not a JWKS`);
  return parsed.data as FetchedKeySet;
}

/** The issuer's keys, from the issuerKeys function (ISSUER_KEYS_FUNCTION_NAME), with when it fetched them. */
export async function fetchIssuerKeys(): Promise<FetchedKeySet> {
  if (!settings.ISSUER_KEYS_FUNCTION_NAME) throw new Error('ISSUER_KEYS_FUNCTION_NAME is not set');
  const { Payload, FunctionError } = await lambda().send(
    new InvokeCommand({ FunctionName: settings.ISSUER_KEYS_FUNCTION_NAME }),
  );
  const answer: unknown = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString('utf8') || 'null');
  if (FunctionError) throw new Error(`the issuerKeys function failed: ${JSON.stringify(answer)}`);
  const parsed = jwks.safeParse(answer);
  if (!parsed.success) throw new Error('the issuerKeys function answered no JWKS');
  return parsed.data as FetchedKeySet;
}
