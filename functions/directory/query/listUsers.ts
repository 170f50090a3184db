// GET /users → [{id, first_name, last_name, email}] in id order (the users demo; limit, offset and
// cursor work as on /system-api/users, with room for the whole demo on one page by default)
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { asUsersDemoUser } from '../../users/user.ts';
import type { StoredUser } from './directoryItems.ts';
import { entityList } from './listEntities.ts';
import { MAX_LIMIT } from './listQuery.ts';

const users = entityList({
  kind: 'USER',
  toRow: (user: StoredUser) => asUsersDemoUser(user),
  defaultLimit: MAX_LIMIT,
});

export const handler = queryRoute('directory', { query: users.query }, ({ query }) => users.list(query));
