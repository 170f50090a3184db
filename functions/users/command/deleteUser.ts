// DELETE /users/{id} → 204
import { requireAccess } from '../../shared/callers.ts';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { deleteUserRoute } from '../api.ts';
import { existingUser, userDeleted } from '../user.ts';
import { lockUser, markUserDeleted } from '../userStore.ts';

export const handler = commandRoute(deleteUserRoute, async ({ params, caller }, sql, now) => {
  const stored = await lockUser(sql, params.id);
  requireAccess(caller, stored?.ownerSubject, `user ${params.id}`, 'id');
  existingUser(stored, params.id);
  await markUserDeleted(sql, params.id, now);
  return { statusCode: 204, events: [userDeleted(params.id)] };
});
