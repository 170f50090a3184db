// DELETE /users/{id} → 204
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { deleteUserRoute } from '../api.ts';
import { existingUser, userDeleted } from '../user.ts';
import { lockUser, markUserDeleted } from '../userStore.ts';

export const handler = commandRoute(deleteUserRoute, async ({ params }, sql, now) => {
  existingUser(await lockUser(sql, params.id), params.id);
  await markUserDeleted(sql, params.id, now);
  return { statusCode: 204, events: [userDeleted(params.id)] };
});
