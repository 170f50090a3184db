// POST /todos {title} → 201 {message, id}; the todo belongs to the signed-in subject
import { ownerOfNew } from '../../shared/callers.ts';
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { createTodoRoute } from '../api.ts';
import { todoCreated } from '../todo.ts';
import { insertTodo } from '../todoStore.ts';

export const handler = commandHandler(createTodoRoute, async ({ body, caller }, sql) => {
  const todo = await insertTodo(sql, body.title, ownerOfNew(caller));
  return {
    statusCode: 201,
    body: { message: 'Todo created successfully.', id: todo.id },
    events: [todoCreated(todo)],
  };
});
