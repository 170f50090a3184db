-- Up Migration

-- Every event a projection's queue receives has a number in that queue's stream: 1, 2, 3… in position
-- order, given by the relay once and for ever, so that a re-publication carries the same number. A
-- projector can then tell a duplicate (at or below its checkpoint) from a late arrival (above it) and
-- from a gap (a missing number), which positions alone cannot; and the relay can re-publish a gap.
CREATE TABLE stream_sequences (
  stream    TEXT NOT NULL,
  sequence  BIGINT NOT NULL,
  position  BIGINT NOT NULL REFERENCES event_log (position),
  PRIMARY KEY (stream, sequence)
);
CREATE INDEX stream_sequences_position ON stream_sequences (position);

-- the relay numbers events (older ones first, on its next run) before it publishes them
ALTER TABLE event_log ADD COLUMN sequenced BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX event_log_unsequenced ON event_log (position) WHERE NOT sequenced;

-- Per stream, the last number given out and the last one published. projector_events counted the
-- published events of each projector: once the older events are numbered, that is the last number
-- published in its stream.
ALTER TABLE relay_progress RENAME COLUMN projector_events TO published_sequences;
ALTER TABLE relay_progress ADD COLUMN assigned_sequences JSONB NOT NULL DEFAULT '{}';

-- Down Migration
ALTER TABLE relay_progress DROP COLUMN assigned_sequences;
ALTER TABLE relay_progress RENAME COLUMN published_sequences TO projector_events;
DROP INDEX event_log_unsequenced;
ALTER TABLE event_log DROP COLUMN sequenced;
DROP TABLE stream_sequences;
