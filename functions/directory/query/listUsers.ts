// GET /users → [{id, first_name, last_name, email}] in id order (the users demo; limit, offset and
// cursor work as on /system-api/users, with room for the whole demo on one page by default)
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { listScope } from './callerScope.ts';
import { listUsersRoute } from '../../users/api.ts';
import { asUsersDemoUser } from '../../users/user.ts';
import type { StoredUser } from './directoryItems.ts';
import { entityList } from './listEntities.ts';

const listUsers = entityList((user: StoredUser) => asUsersDemoUser(user));

export const handler = queryHandler(listUsersRoute, async ({ query, caller }) =>
  listUsers(query, await listScope(caller, 'USER')),
);
