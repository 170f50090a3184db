// Idempotency-Key support, stored in PostgreSQL in the same transaction as the command's writes.
import { createHash } from 'node:crypto';
import { RuleViolationError } from '../errors.ts';
import type { Sql } from '../postgres.ts';
import type { HttpResponse } from '../http/httpResponse.ts';

export interface IdempotencyClaim {
  scope: string;
  key: string;
  requestHash: string;
}

/** A stable fingerprint of what the client asked: method, route, path parameters and body. */
export function requestFingerprint(scope: string, pathParameters: unknown, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([scope, pathParameters ?? null, body ?? null]))
    .digest('hex');
}

/**
 * Claims the key for this transaction, or returns the answer stored by the transaction that claimed
 * it first. A concurrent retry blocks on the first one's uncommitted row until it commits (then
 * replays its answer) or rolls back (then runs itself).
 */
export async function claimIdempotencyKey(sql: Sql, claim: IdempotencyClaim): Promise<HttpResponse | null> {
  const inserted = await sql.query(
    `INSERT INTO idempotency_keys (scope, idempotency_key, request_hash) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING`,
    [claim.scope, claim.key, claim.requestHash],
  );
  if (inserted.rowCount === 1) return null;
  const { rows } = await sql.query<{
    request_hash: string;
    status_code: number;
    response_body: unknown;
    response_headers: Record<string, string>;
  }>(
    `SELECT request_hash, status_code, response_body, response_headers
     FROM idempotency_keys WHERE scope = $1 AND idempotency_key = $2`,
    [claim.scope, claim.key],
  );
  const stored = rows[0]!;
  if (stored.request_hash !== claim.requestHash) {
    throw new RuleViolationError(
      'idempotency_key_reused',
      'this Idempotency-Key was already used with a different request',
      'Idempotency-Key',
    );
  }
  return {
    statusCode: stored.status_code,
    body: stored.response_body,
    headers: { ...stored.response_headers, 'Idempotent-Replayed': 'true' },
  };
}

export async function storeIdempotentResponse(
  sql: Sql,
  claim: IdempotencyClaim,
  response: HttpResponse,
): Promise<void> {
  await sql.query(
    `UPDATE idempotency_keys SET status_code = $3, response_body = $4, response_headers = $5
     WHERE scope = $1 AND idempotency_key = $2`,
    [
      claim.scope,
      claim.key,
      response.statusCode,
      JSON.stringify(response.body ?? null),
      response.headers ?? {},
    ],
  );
}
