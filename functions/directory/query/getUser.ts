// GET /users/{id} → {id, first_name, last_name, email}; 404 user_not_found when absent or deleted;
// a signed-in caller reads only its own user (403 otherwise, whether or not the id exists).
// A get reads the table itself, consistently, not the eventually consistent index.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/aws.ts';
import { requireAccess } from '../../shared/callers.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { getUserRoute } from '../../users/api.ts';
import { asUsersDemoUser, existingUser } from '../../users/user.ts';
import { entityKey } from '../directoryProjection.ts';
import { directoryTableName, type StoredUser } from './directoryItems.ts';

export const handler = queryHandler(getUserRoute, async ({ params, caller }) => {
  const { Item } = await dynamoDb().send(
    new GetCommand({
      TableName: await directoryTableName(),
      Key: entityKey('USER', params.id),
      ConsistentRead: true,
    }),
  );
  // a deleted user is a tombstone without kind
  const user = Item?.kind === 'USER' ? (Item as StoredUser) : undefined;
  requireAccess(caller, user?.ownerSubject, `user ${params.id}`, 'id');
  return { statusCode: 200, body: asUsersDemoUser(existingUser(user, params.id)) };
});
