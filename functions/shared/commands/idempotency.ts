// Idempotency-Key support, stored in PostgreSQL in the same transaction as the command's writes. A
// record answers retries for 24 hours (as Stripe keeps its keys): after that the same key and body are
// a new command. Expiry is checked where a key is claimed, so that it holds whenever the purge runs;
// expired records are deleted off the request path, by the relay on its schedule, a bounded number at
// a time (purgeExpiredIdempotencyKeys): no request pays for the table's size, and no purge competes
// with another (the relay runs one at a time).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RuleViolationError } from '../errors.ts';
import type { Sql } from '../postgres.ts';
import type { HttpResponse } from '../http/httpResponse.ts';

/** How long a record answers a retry with the first answer. */
export const IDEMPOTENCY_KEY_LIFETIME_HOURS = 24;

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
 * replays its answer) or rolls back (then runs itself). A record older than its lifetime is taken
 * over as if it were not there: the key's first command is forgotten.
 */
export async function claimIdempotencyKey(sql: Sql, claim: IdempotencyClaim): Promise<HttpResponse | null> {
  // ON CONFLICT DO UPDATE locks the row it finds, taken over or not: the SELECT below reads a live one
  const claimed = await sql.query(
    `INSERT INTO idempotency_keys (scope, idempotency_key, request_hash) VALUES ($1, $2, $3)
     ON CONFLICT (scope, idempotency_key) DO UPDATE
       SET request_hash = EXCLUDED.request_hash, status_code = NULL, response_body = NULL,
           response_headers = NULL, created_at = now()
       WHERE idempotency_keys.created_at < now() - make_interval(hours => $4)`,
    [claim.scope, claim.key, claim.requestHash, IDEMPOTENCY_KEY_LIFETIME_HOURS],
  );
  if (claimed.rowCount === 1) return null;
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

/**
 * Deletes up to `limit` expired records, oldest first, and says how many: a short range scan of the
 * created_at index however large the table. No `FOR UPDATE` in the subquery: it would need UPDATE on
 * the table, which the relay's role (the one that purges) does not hold. The expiry is tested again
 * on the row the DELETE reaches, so a record a command took over meanwhile (its created_at renewed)
 * is kept; a record a claim holds is waited for, for the length of that command's transaction.
 */
export async function purgeExpiredIdempotencyKeys(pool: pg.Pool, limit: number): Promise<number> {
  const { rowCount } = await pool.query(
    `DELETE FROM idempotency_keys
     WHERE created_at < now() - make_interval(hours => $1)
       AND (scope, idempotency_key) IN (
         SELECT scope, idempotency_key FROM idempotency_keys
         WHERE created_at < now() - make_interval(hours => $1)
         ORDER BY created_at LIMIT $2)`,
    [IDEMPOTENCY_KEY_LIFETIME_HOURS, limit],
  );
  return rowCount ?? 0;
}
