-- Up Migration

-- An Idempotency-Key record expires 24 hours after its command (functions/shared/commands/
-- idempotency.ts): a claim takes over an expired key, and the relay's periodic purge deletes expired
-- records oldest first, a bounded number at a time. This index makes both a short range scan instead
-- of a read of the whole table.
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- Down Migration
DROP INDEX idempotency_keys_created_at;
