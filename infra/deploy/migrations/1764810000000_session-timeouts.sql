-- Up Migration

-- A transaction left open (a function frozen or killed half-way) holds back the relay's snapshot
-- rule (transaction_id < xmin): PostgreSQL ends a session idle in a transaction after 30 s. Set on the
-- database rather than sent by each client at connection: RDS Proxy refuses startup parameters such
-- as this one, and a SET would pin the session to one database connection (decision 0032). The
-- proxy's own connections to the database take it from here as well.
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I SET idle_in_transaction_session_timeout = %L', current_database(), '30s');
END $$;

-- Down Migration
DO $$
BEGIN
  EXECUTE format('ALTER DATABASE %I RESET idle_in_transaction_session_timeout', current_database());
END $$;
