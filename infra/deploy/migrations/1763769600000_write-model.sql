-- Up Migration

-- Users of both dialects: /system-api/users sends a name, /users sends first and last names.
CREATE TABLE users (
  id          BIGSERIAL PRIMARY KEY,
  name        TEXT NOT NULL,
  first_name  TEXT NOT NULL,
  last_name   TEXT NOT NULL,
  email       TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  -- deleted users keep their row (events and orders still refer to them) but free their email
  deleted_at  TIMESTAMPTZ
);
CREATE UNIQUE INDEX users_email_unique ON users (lower(email)) WHERE deleted_at IS NULL;

CREATE TABLE accounts (
  id          BIGSERIAL PRIMARY KEY,
  user_id     BIGINT NOT NULL REFERENCES users (id),
  address1    TEXT NOT NULL,
  address2    TEXT,
  city        TEXT NOT NULL,
  state       TEXT NOT NULL,
  zip         TEXT NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX accounts_user_id ON accounts (user_id);

CREATE TABLE products (
  id           BIGSERIAL PRIMARY KEY,
  name         TEXT NOT NULL,
  category     TEXT NOT NULL,
  price_cents  BIGINT NOT NULL CHECK (price_cents >= 0),
  stock        INTEGER NOT NULL CHECK (stock >= 0),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- One order model for both dialects; customer_id need not be a user (the analytics seed has none).
CREATE TABLE orders (
  id           BIGSERIAL PRIMARY KEY,
  customer_id  BIGINT NOT NULL,
  description  TEXT NOT NULL,
  total_cents  BIGINT NOT NULL CHECK (total_cents >= 0),
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX orders_customer_id ON orders (customer_id);

CREATE TABLE order_lines (
  order_id          BIGINT NOT NULL REFERENCES orders (id),
  line_no           INTEGER NOT NULL,
  product_id        BIGINT REFERENCES products (id),
  description       TEXT NOT NULL,
  quantity          INTEGER NOT NULL CHECK (quantity > 0),
  unit_price_cents  BIGINT NOT NULL CHECK (unit_price_cents >= 0),
  PRIMARY KEY (order_id, line_no)
);

CREATE TABLE todos (
  id            BIGSERIAL PRIMARY KEY,
  title         TEXT NOT NULL,
  completed     BOOLEAN NOT NULL DEFAULT false,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  completed_at  TIMESTAMPTZ,
  deleted_at    TIMESTAMPTZ
);

-- The event log is the outbox and the source of every rebuild: rows are kept forever.
-- position = transaction id * 1000 + index in the transaction, so that positions increase in the
-- order the relay can publish them (decision 0001 explains why not a BIGSERIAL).
CREATE TABLE event_log (
  position        BIGINT PRIMARY KEY,
  event_id        UUID NOT NULL UNIQUE,
  type            TEXT NOT NULL,
  version         SMALLINT NOT NULL,
  aggregate_id    TEXT NOT NULL,
  correlation_id  TEXT NOT NULL,
  occurred_at     TIMESTAMPTZ NOT NULL,
  data            JSONB NOT NULL,
  transaction_id  XID8 NOT NULL,
  published_at    TIMESTAMPTZ
);
CREATE INDEX event_log_unpublished ON event_log (position) WHERE published_at IS NULL;

-- A command's answer, kept with its writes so that a retry with the same key replays it. The row is
-- inserted first (a concurrent retry waits on it) and given the answer before the same commit, so
-- the response columns are only ever NULL inside the writing transaction.
CREATE TABLE idempotency_keys (
  scope             TEXT NOT NULL,
  idempotency_key   TEXT NOT NULL,
  request_hash      TEXT NOT NULL,
  status_code       INTEGER,
  response_body     JSON,  -- JSON, not JSONB: a replay must return the very same bytes
  response_headers  JSON,
  created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (scope, idempotency_key)
);

-- Down Migration
DROP TABLE idempotency_keys;
DROP TABLE event_log;
DROP TABLE todos;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE products;
DROP TABLE accounts;
DROP TABLE users;
