// DELETE /users/{id} → 204
import { requireAccess } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { deleteUserRoute } from '../api.ts';
import { existingUser, userDeleted } from '../user.ts';
import { lockUser, markUserDeleted } from '../userStore.ts';

export const handler = commandHandler(deleteUserRoute, async ({ params, caller }, sql, now) => {
  const stored = await lockUser(sql, params.id);
  requireAccess(caller, stored?.ownerSubject, `user ${params.id}`, 'id');
  existingUser(stored, params.id);
  await markUserDeleted(sql, params.id, now);
  return { statusCode: 204, events: [userDeleted(params.id)] };
});
