// The users table; a deleted user keeps its row (orders and events still name it) and frees its email.
import { DatabaseError } from 'pg';
import { ConflictError } from '../shared/errors.ts';
import type { Sql } from '../shared/postgres.ts';
import type { NewUser, OwnedUser, User } from './user.ts';

const USER_COLUMNS =
  'id, name, first_name AS "firstName", last_name AS "lastName", email, owner_subject AS "ownerSubject"';

/** A unique index's refusal as the conflict it means: the email taken, or the subject's one user. */
function uniqueViolation(error: unknown, email: string, field: string): unknown {
  if (error instanceof DatabaseError && error.code === '23505' && error.constraint === 'users_email_unique') {
    return new ConflictError('email_taken', `a user with email ${email} already exists`, field);
  }
  if (
    error instanceof DatabaseError &&
    error.code === '23505' &&
    error.constraint === 'users_owner_subject_unique'
  ) {
    return new ConflictError('subject_has_user', 'the signed-in subject already has a user');
  }
  return error;
}

/** A new user, tied to `ownerSubject` (null: to nobody); a subject has one live user at most. */
export async function insertUser(
  sql: Sql,
  user: NewUser,
  ownerSubject: string | null,
  field = 'email',
): Promise<OwnedUser> {
  try {
    const { rows } = await sql.query<OwnedUser>(
      `INSERT INTO users (name, first_name, last_name, email, owner_subject) VALUES ($1, $2, $3, $4, $5)
       RETURNING ${USER_COLUMNS}`,
      [user.name, user.firstName, user.lastName, user.email, ownerSubject],
    );
    return rows[0]!;
  } catch (error) {
    throw uniqueViolation(error, user.email, field);
  }
}

/** The live user, locked until the transaction ends. */
export async function lockUser(sql: Sql, id: number): Promise<OwnedUser | undefined> {
  const { rows } = await sql.query<OwnedUser>(
    `SELECT ${USER_COLUMNS} FROM users WHERE id = $1 AND deleted_at IS NULL FOR UPDATE`,
    [id],
  );
  return rows[0];
}

/** The live user, share-locked so that it cannot be deleted before the transaction commits. */
export async function userExists(sql: Sql, id: number): Promise<boolean> {
  const { rowCount } = await sql.query('SELECT 1 FROM users WHERE id = $1 AND deleted_at IS NULL FOR SHARE', [
    id,
  ]);
  return rowCount === 1;
}

/**
 * The live user's owner: `{ ownerSubject }` (null: nobody's), or undefined when there is no such
 * user; share-locked so that the user cannot be deleted before the transaction commits.
 */
export async function userOwner(sql: Sql, id: number): Promise<{ ownerSubject: string | null } | undefined> {
  const { rows } = await sql.query<{ ownerSubject: string | null }>(
    'SELECT owner_subject AS "ownerSubject" FROM users WHERE id = $1 AND deleted_at IS NULL FOR SHARE',
    [id],
  );
  return rows[0];
}

export async function updateUserRow(sql: Sql, user: User, at: Date): Promise<void> {
  try {
    await sql.query(
      'UPDATE users SET name = $2, first_name = $3, last_name = $4, email = $5, updated_at = $6 WHERE id = $1',
      [user.id, user.name, user.firstName, user.lastName, user.email, at],
    );
  } catch (error) {
    throw uniqueViolation(error, user.email, 'email');
  }
}

export async function markUserDeleted(sql: Sql, id: number, at: Date): Promise<void> {
  await sql.query('UPDATE users SET deleted_at = $2 WHERE id = $1', [id, at]);
}
