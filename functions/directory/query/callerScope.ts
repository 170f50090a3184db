// What a signed-in caller may read, found in the directory: its user (byOwner `USER#<subject>`),
// and the part of a list that is its own. The directory is the read side's map from a token's subject
// to a user id: the invoice and analytics queries ask it too. Like a list, the index trails the
// checkpoint by its propagation delay on AWS: a user registered a moment ago may not be found yet.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { requireAccess, seesEverything, type Caller } from '../../shared/callers.ts';
import { dynamoDb } from '../../shared/aws.ts';
import { ownerKey, type EntityKind } from '../directoryProjection.ts';
import { BY_OWNER_INDEX, directoryTableName } from './directoryItems.ts';

/** The id of the live user tied to `subject`, if there is one. */
export async function userIdOf(subject: string): Promise<number | undefined> {
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

/** Which items of a kind a list shows: all of them, one owner's (a byOwner key), or none. */
export type ListScope = { all: true } | { owner: string } | { none: true };

/**
 * What of `kind` the caller may list: everything if it sees everything; else its own: the users and
 * todos its subject owns, the accounts and orders of its user (none without a user).
 */
export async function listScope(caller: Caller, kind: EntityKind): Promise<ListScope> {
  if (seesEverything(caller) || !caller.signedIn) return { all: true };
  if (kind === 'USER' || kind === 'TODO') return { owner: ownerKey(kind, caller.subject) };
  const userId = await userIdOf(caller.subject);
  return userId === undefined ? { none: true } : { owner: ownerKey(kind, userId) };
}

/** 403 unless the caller sees everything or `userId` is its own user. */
export async function requireOwnUserId(caller: Caller, userId: number, field: string): Promise<void> {
  if (seesEverything(caller) || !caller.signedIn) return;
  if ((await userIdOf(caller.subject)) !== userId) requireAccess(caller, undefined, `user ${userId}`, field);
}
