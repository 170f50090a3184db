// POST /system-api/users {name, email} or an array of them → 201 the created user(s) with id. A
// signed-in subject's user is tied to it (one at most); an administrator's are nobody's.
import { ownerOfNewUser } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { createSystemApiUsersRoute } from '../api.ts';
import { asSystemApiUser, userCreated, userFromFullName } from '../user.ts';
import { insertUser } from '../userStore.ts';

export const handler = commandHandler(createSystemApiUsersRoute, async ({ body, caller }, sql) => {
  const users = [];
  for (const [index, item] of body.items.entries()) {
    users.push(
      await insertUser(
        sql,
        userFromFullName(item.name, item.email),
        ownerOfNewUser(caller),
        body.isArray ? `[${index}].email` : 'email',
      ),
    );
  }
  const created = users.map(asSystemApiUser);
  return { statusCode: 201, body: body.isArray ? created : created[0], events: users.map(userCreated) };
});
