// DELETE /todos/{id} → 200 {message, id}
import { requireAccess } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { deleteTodoRoute } from '../api.ts';
import { deleteTodo } from '../todo.ts';
import { lockTodo, markTodoDeleted } from '../todoStore.ts';

export const handler = commandHandler(deleteTodoRoute, async ({ params, caller }, sql, now) => {
  const todo = await lockTodo(sql, params.id);
  requireAccess(caller, todo?.ownerSubject, `todo ${params.id}`, 'id');
  const event = deleteTodo(todo, params.id);
  await markTodoDeleted(sql, params.id, now);
  return {
    statusCode: 200,
    body: { message: 'Todo deleted successfully.', id: params.id },
    events: [event],
  };
});
