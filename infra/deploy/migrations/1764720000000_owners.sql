-- Up Migration

-- Who owns a row: the subject (`sub`) of the token that created it, when signing in is on. A user is
-- tied to one subject at most: the one that registered it; a subject has one live user at most (a
-- deleted user frees its subject, as it frees its email). Accounts, orders and invoices belong to
-- their user's subject; a todo to the subject that created it. NULL: nobody's (signing in off, or
-- created by an administrator for someone else), which only an administrator may read when it is on.
ALTER TABLE users ADD COLUMN owner_subject TEXT;
CREATE UNIQUE INDEX users_owner_subject_unique ON users (owner_subject)
  WHERE deleted_at IS NULL AND owner_subject IS NOT NULL;
ALTER TABLE todos ADD COLUMN owner_subject TEXT;

-- Down Migration
DROP INDEX users_owner_subject_unique;
ALTER TABLE users DROP COLUMN owner_subject;
ALTER TABLE todos DROP COLUMN owner_subject;
