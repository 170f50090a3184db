// DELETE /todos/{id} → 200 {message, id}
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { deleteTodoRoute } from '../api.ts';
import { deleteTodo } from '../todo.ts';
import { lockTodo, markTodoDeleted } from '../todoStore.ts';

export const handler = commandRoute(deleteTodoRoute, async ({ params }, sql, now) => {
  const event = deleteTodo(await lockTodo(sql, params.id), params.id);
  await markTodoDeleted(sql, params.id, now);
  return {
    statusCode: 200,
    body: { message: 'Todo deleted successfully.', id: params.id },
    events: [event],
  };
});
