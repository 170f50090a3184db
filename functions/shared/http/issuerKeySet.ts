// The token issuer's public signing keys (its JWKS), for the deployed functions: they invoke the
// issuerKeys function, which runs outside the VPC, where the issuer is reachable; those inside the
// VPC, which has no route out, reach it through the VPC's Lambda endpoint (as commands wake the
// relay), and the others take the same path, for one path in the cloud. The keys are public.
import { InvokeCommand } from '@aws-sdk/client-lambda';
import type { JSONWebKeySet } from 'jose';
import { z } from 'zod';
import { lambda } from '../aws.ts';
import { settings } from '../config.ts';
import { discoverJwksUri } from './bearerToken.ts';

const jwks = z.looseObject({ keys: z.array(z.looseObject({ kty: z.string() })) });

/** The issuer's keys as its JWKS endpoint publishes them (what the issuerKeys function answers). */
export async function readIssuerKeys(issuerUrl: string): Promise<JSONWebKeySet> {
  const uri = await discoverJwksUri(issuerUrl);
  const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new Error(`${uri} answered ${response.status}`);
  const parsed = jwks.safeParse(await response.json());
  if (!parsed.success) throw new Error(`${uri} is not a JWKS`);
  return parsed.data as JSONWebKeySet;
}

/** The issuer's keys, from the issuerKeys function (ISSUER_KEYS_FUNCTION_NAME). */
export async function fetchIssuerKeys(): Promise<JSONWebKeySet> {
  if (!settings.ISSUER_KEYS_FUNCTION_NAME) throw new Error('ISSUER_KEYS_FUNCTION_NAME is not set');
  const { Payload, FunctionError } = await lambda().send(
    new InvokeCommand({ FunctionName: settings.ISSUER_KEYS_FUNCTION_NAME }),
  );
  const answer: unknown = JSON.parse(Buffer.from(Payload ?? new Uint8Array()).toString('utf8') || 'null');
  if (FunctionError) throw new Error(`the issuerKeys function failed: ${JSON.stringify(answer)}`);
  const parsed = jwks.safeParse(answer);
  if (!parsed.success) throw new Error('the issuerKeys function answered no JWKS');
  return parsed.data as JSONWebKeySet;
}
