-- Up Migration

-- A stream the catalog gains after events were logged (a partition added) is numbered over the log a
-- page at a time, across relay runs (a run is bounded by its Lambda's timeout): per such stream, the
-- position its numbering has reached. Until it reaches the end of the numbered log, the stream gets no
-- numbers for new events, so that its numbers follow position order; then it leaves this map.
ALTER TABLE relay_progress ADD COLUMN backfill_positions JSONB NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE relay_progress DROP COLUMN backfill_positions;
