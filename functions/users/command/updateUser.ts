// PUT /users/{id} {first_name, last_name, email} → 200 the updated user
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { idParam } from '../../shared/http/fields.ts';
import { asUsersDemoUser, existingUser, userFromNameParts, userUpdated } from '../user.ts';
import { lockUser, updateUserRow } from '../userStore.ts';
import { usersDemoUserBody } from './userNameParts.ts';

export const handler = commandRoute(
  { route: 'PUT /users/{id}', params: z.object({ id: idParam }), body: usersDemoUserBody },
  async ({ params, body }, sql, now) => {
    existingUser(await lockUser(sql, params.id), params.id);
    const user = { id: params.id, ...userFromNameParts(body.first_name, body.last_name, body.email) };
    await updateUserRow(sql, user, now);
    return { statusCode: 200, body: asUsersDemoUser(user), events: [userUpdated(user)] };
  },
);
