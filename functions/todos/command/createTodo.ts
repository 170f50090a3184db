// POST /todos {title} → 201 {message, id}
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { createTodoRoute } from '../api.ts';
import { todoCreated } from '../todo.ts';
import { insertTodo } from '../todoStore.ts';

export const handler = commandRoute(createTodoRoute, async ({ body }, sql) => {
  const todo = await insertTodo(sql, body.title);
  return {
    statusCode: 201,
    body: { message: 'Todo created successfully.', id: todo.id },
    events: [todoCreated(todo)],
  };
});
