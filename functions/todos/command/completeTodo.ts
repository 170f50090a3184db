// POST /todos/{id}/complete → 200 {message, id}
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { completeTodoRoute } from '../api.ts';
import { completeTodo } from '../todo.ts';
import { lockTodo, markTodoCompleted } from '../todoStore.ts';

export const handler = commandRoute(completeTodoRoute, async ({ params }, sql, now) => {
  const event = completeTodo(await lockTodo(sql, params.id), params.id);
  await markTodoCompleted(sql, params.id, now);
  return {
    statusCode: 200,
    body: { message: 'Todo completed successfully.', id: params.id },
    events: [event],
  };
});
