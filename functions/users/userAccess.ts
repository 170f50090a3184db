// The check of every command that names a user (an account's user_id, an order's user_id or
// customerId): a signed-in caller must own that user; one who sees everything (an administrator, or
// anyone with signing in off) is not asked, and costs no query. A user that does not exist is
// nobody's, so a signed-in caller gets the same 403 whether or not it exists.
import { requireAccess, seesEverything, type Caller } from '../shared/callers.ts';
import type { Sql } from '../shared/postgres.ts';
import { userOwner } from './userStore.ts';

export async function requireOwnUser(sql: Sql, caller: Caller, userId: number, field: string): Promise<void> {
  if (seesEverything(caller)) return;
  const owner = await userOwner(sql, userId);
  requireAccess(caller, owner?.ownerSubject, `user ${userId}`, field);
}
