// PUT /users/{id} {first_name, last_name, email} → 200 the updated user
import { requireAccess } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { updateUserRoute } from '../api.ts';
import { asUsersDemoUser, existingUser, userFromNameParts, userUpdated } from '../user.ts';
import { lockUser, updateUserRow } from '../userStore.ts';

export const handler = commandHandler(updateUserRoute, async ({ params, body, caller }, sql, now) => {
  const stored = await lockUser(sql, params.id);
  requireAccess(caller, stored?.ownerSubject, `user ${params.id}`, 'id');
  existingUser(stored, params.id);
  const user = { id: params.id, ...userFromNameParts(body.first_name, body.last_name, body.email) };
  await updateUserRow(sql, user, now);
  return { statusCode: 200, body: asUsersDemoUser(user), events: [userUpdated(user)] };
});
