// POST /todos/{id}/complete → 200 {message, id}
import { requireAccess } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { completeTodoRoute } from '../api.ts';
import { completeTodo } from '../todo.ts';
import { lockTodo, markTodoCompleted } from '../todoStore.ts';

export const handler = commandHandler(completeTodoRoute, async ({ params, caller }, sql, now) => {
  const todo = await lockTodo(sql, params.id);
  requireAccess(caller, todo?.ownerSubject, `todo ${params.id}`, 'id');
  const event = completeTodo(todo, params.id);
  await markTodoCompleted(sql, params.id, now);
  return {
    statusCode: 200,
    body: { message: 'Todo completed successfully.', id: params.id },
    events: [event],
  };
});
