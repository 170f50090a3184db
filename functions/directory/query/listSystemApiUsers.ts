// GET /system-api/users?limit&offset&order_by&cursor → [{id, name, email, created_at, updated_at}]
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { listScope } from './callerScope.ts';
import { listSystemApiUsersRoute } from '../../users/api.ts';
import { asSystemApiUser } from '../../users/user.ts';
import type { StoredUser } from './directoryItems.ts';
import { entityList } from './listEntities.ts';

const listSystemApiUsers = entityList((user: StoredUser) => ({
  ...asSystemApiUser(user),
  created_at: user.createdAt,
  updated_at: user.updatedAt,
}));

export const handler = queryHandler(listSystemApiUsersRoute, async ({ query, caller }) =>
  listSystemApiUsers(query, await listScope(caller, 'USER')),
);
