// What a caller may read, found in the directory: its user (byOwner `USER#<subject>`), and the part
// of a list that is its own. The directory is the read side's map from a token's subject to a user
// id: the invoice and lifetime-value queries ask it too. Like a list, the index trails the checkpoint
// by its propagation delay on AWS: a user registered a moment ago may not be found yet.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/aws.ts';
import { seesEverything, type Caller } from '../../shared/callers.ts';
import { ForbiddenError } from '../../shared/errors.ts';
import { ownerKey, type EntityKind } from '../directoryProjection.ts';
import { BY_OWNER_INDEX, directoryTableName } from './directoryItems.ts';

/** The id of the live user tied to `subject`, if there is one. */
async function userIdOf(subject: string): Promise<number | undefined> {
  const { Items } = await dynamoDb().send(
    new QueryCommand({
      TableName: await directoryTableName(),
      IndexName: BY_OWNER_INDEX,
      KeyConditionExpression: '#owner = :owner',
      ExpressionAttributeNames: { '#owner': 'owner' },
      ExpressionAttributeValues: { ':owner': ownerKey('USER', subject) },
      Limit: 1,
    }),
  );
  return Items?.[0]?.id as number | undefined;
}

/** Which users' data the caller may read: everyone's, its own user's, or none (no user, or nobody). */
export type UserScope = { all: true } | { userId: number } | { none: true };

export async function userScope(caller: Caller): Promise<UserScope> {
  if (seesEverything(caller)) return { all: true };
  if (!caller.signedIn) return { none: true };
  const userId = await userIdOf(caller.subject);
  return userId === undefined ? { none: true } : { userId };
}

/**
 * Whose data a request reads within `scope` when it names user `asked` (or none): a 403 for a user
 * not the caller's; else the user to read (undefined: everyone's), or null: nothing.
 */
export function userToRead(
  scope: UserScope,
  asked: number | undefined,
  field: string,
): number | undefined | null {
  if ('all' in scope) return asked;
  const own = 'userId' in scope ? scope.userId : null;
  if (asked !== undefined && asked !== own) throw new ForbiddenError(`user ${asked} is not yours`, field);
  return own;
}

/** 403 unless the caller may read user `userId`'s data (its own, or everyone's). */
export async function requireUserForRead(caller: Caller, userId: number, field: string): Promise<void> {
  userToRead(await userScope(caller), userId, field);
}

/** Which items of a kind a list shows: all of them, one owner's (a byOwner key), or none. */
export type ListScope = { all: true } | { owner: string } | { none: true };

/**
 * What of `kind` the caller may list: everything if it sees everything; else its own: the users and
 * todos its subject owns, the accounts and orders of its user (none without a user).
 */
export async function listScope(caller: Caller, kind: EntityKind): Promise<ListScope> {
  if (seesEverything(caller)) return { all: true };
  if (!caller.signedIn) return { none: true };
  if (kind === 'USER' || kind === 'TODO') return { owner: ownerKey(kind, caller.subject) };
  const scope = await userScope(caller);
  return 'userId' in scope ? { owner: ownerKey(kind, scope.userId) } : { none: true };
}
