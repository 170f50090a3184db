// DELETE /todos/{id} → 200 {message, id}
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { idParam } from '../../shared/http/fields.ts';
import { deleteTodo } from '../todo.ts';
import { lockTodo, markTodoDeleted } from '../todoStore.ts';

export const handler = commandRoute(
  { route: 'DELETE /todos/{id}', params: z.object({ id: idParam }) },
  async ({ params }, sql, now) => {
    const event = deleteTodo(await lockTodo(sql, params.id), params.id);
    await markTodoDeleted(sql, params.id, now);
    return {
      statusCode: 200,
      body: { message: 'Todo deleted successfully.', id: params.id },
      events: [event],
    };
  },
);
