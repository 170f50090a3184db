// POST /system-api/users {name, email} or an array of them → 201 the created user(s) with id
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { createSystemApiUsersRoute } from '../api.ts';
import { asSystemApiUser, userCreated, userFromFullName } from '../user.ts';
import { insertUser } from '../userStore.ts';

export const handler = commandRoute(createSystemApiUsersRoute, async ({ body }, sql) => {
  const users = [];
  for (const [index, item] of body.items.entries()) {
    users.push(
      await insertUser(
        sql,
        userFromFullName(item.name, item.email),
        body.isArray ? `[${index}].email` : 'email',
      ),
    );
  }
  const created = users.map(asSystemApiUser);
  return { statusCode: 201, body: body.isArray ? created : created[0], events: users.map(userCreated) };
});
