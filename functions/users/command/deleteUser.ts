// DELETE /users/{id} → 204
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { idParam } from '../../shared/http/fields.ts';
import { existingUser, userDeleted } from '../user.ts';
import { lockUser, markUserDeleted } from '../userStore.ts';

export const handler = commandRoute(
  { route: 'DELETE /users/{id}', params: z.object({ id: idParam }) },
  async ({ params }, sql, now) => {
    existingUser(await lockUser(sql, params.id), params.id);
    await markUserDeleted(sql, params.id, now);
    return { statusCode: 204, events: [userDeleted(params.id)] };
  },
);
