// POST /todos {title} → 201 {message, id}
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { text } from '../../shared/http/fields.ts';
import { todoCreated } from '../todo.ts';
import { insertTodo } from '../todoStore.ts';

export const createTodoBody = z.strictObject({ title: text(500) });

export const handler = commandRoute({ route: 'POST /todos', body: createTodoBody }, async ({ body }, sql) => {
  const todo = await insertTodo(sql, body.title);
  return {
    statusCode: 201,
    body: { message: 'Todo created successfully.', id: todo.id },
    events: [todoCreated(todo)],
  };
});
