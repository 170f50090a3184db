-- Up Migration

-- What the relay has published so far: the head of the stream and, per projector, how many of the
-- published events it subscribes to. Updated in the transaction that marks events published, so the
-- counts are exact however often an event is re-sent; copied to DynamoDB for sync-status.
CREATE TABLE relay_progress (
  singleton          BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  head_position      BIGINT NOT NULL DEFAULT 0,
  head_occurred_at   TIMESTAMPTZ,
  projector_events   JSONB NOT NULL DEFAULT '{}'
);
INSERT INTO relay_progress DEFAULT VALUES;

-- Down Migration
DROP TABLE relay_progress;
