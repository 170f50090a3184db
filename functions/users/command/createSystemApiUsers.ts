// POST /system-api/users {name, email} or an array of them → 201 the created user(s) with id
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { email, oneOrMany, text } from '../../shared/http/fields.ts';
import { asSystemApiUser, userCreated, userFromFullName } from '../user.ts';
import { insertUser } from '../userStore.ts';

export const systemApiUserBody = oneOrMany(z.strictObject({ name: text(200), email }));

export const handler = commandRoute(
  { route: 'POST /system-api/users', body: systemApiUserBody },
  async ({ body }, sql) => {
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
  },
);
