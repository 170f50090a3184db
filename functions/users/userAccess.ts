// The check of every command that names a user (an account's user_id, an order's user_id or
// customerId), against the users table. With signing in off nothing is checked here (a customer
// need not be a user: the analytics seed has none). Signed in, the user must be the caller's (a 403
// otherwise, whether or not it exists) and, for an administrator too, a live user (404): an order
// for an id nobody has yet would become whoever registers that id next.
import { requireAccess, type Caller } from '../shared/callers.ts';
import { NotFoundError } from '../shared/errors.ts';
import type { Sql } from '../shared/postgres.ts';
import { userOwner } from './userStore.ts';

/** Checks the user a command names, share-locked until the transaction ends. */
export async function requireUserForWrite(
  sql: Sql,
  caller: Caller,
  userId: number,
  field: string,
): Promise<void> {
  if (!caller.signedIn) return;
  const owner = await userOwner(sql, userId);
  requireAccess(caller, owner?.ownerSubject, `user ${userId}`, field);
  if (!owner) throw new NotFoundError('user_not_found', `user ${userId} does not exist`, field);
}
