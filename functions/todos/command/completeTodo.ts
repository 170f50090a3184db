// POST /todos/{id}/complete → 200 {message, id}
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { idParam } from '../../shared/http/fields.ts';
import { completeTodo } from '../todo.ts';
import { lockTodo, markTodoCompleted } from '../todoStore.ts';

export const handler = commandRoute(
  { route: 'POST /todos/{id}/complete', params: z.object({ id: idParam }) },
  async ({ params }, sql, now) => {
    const event = completeTodo(await lockTodo(sql, params.id), params.id);
    await markTodoCompleted(sql, params.id, now);
    return {
      statusCode: 200,
      body: { message: 'Todo completed successfully.', id: params.id },
      events: [event],
    };
  },
);
