// The todo demo's routes: create, list, complete and delete a todo.
import { z } from 'zod';
import { listQuery, MAX_LIMIT } from '../directory/query/listQuery.ts';
import { answeredId, idParam, text } from '../shared/http/fields.ts';
import { commandContract, queryContract } from '../shared/http/routeContract.ts';

export const todoInput = z.strictObject({ title: text(500) });

const todoPath = z.object({ id: idParam.meta({ description: 'the todo id', example: '1' }) });
const todoMessage = (message: string) => z.object({ message: z.literal(message), id: answeredId });

export const createTodoRoute = commandContract({
  operationId: 'createTodo',
  method: 'POST',
  path: '/todos',
  handler: 'functions/todos/command/createTodo.ts',
  tag: 'todo demo',
  summary: 'Create a todo',
  access: 'authenticated',
  body: todoInput,
  bodyExamples: { seed: { title: 'Learn CQRS' } },
  responses: {
    201: {
      description: 'created',
      body: todoMessage('Todo created successfully.'),
      examples: { seed: { message: 'Todo created successfully.', id: 1 } },
    },
  },
});

export const listTodosRoute = queryContract({
  operationId: 'listTodos',
  method: 'GET',
  path: '/todos',
  handler: 'functions/directory/query/listTodos.ts',
  tag: 'todo demo',
  summary: 'List todos',
  description: 'Signed in: the caller’s own todos (an administrator’s: all).',
  access: 'authenticated',
  projection: 'directory',
  list: true,
  query: listQuery({ kind: 'TODO', columns: [], defaultLimit: MAX_LIMIT }),
  responses: {
    200: {
      description: 'the todos in id order; deleted ones are gone',
      body: z.array(z.object({ id: answeredId, title: z.string(), completed: z.boolean() })),
      examples: { seed: [{ id: 1, title: 'Learn CQRS', completed: false }] },
    },
  },
});

export const completeTodoRoute = commandContract({
  operationId: 'completeTodo',
  method: 'POST',
  path: '/todos/{id}/complete',
  handler: 'functions/todos/command/completeTodo.ts',
  tag: 'todo demo',
  summary: 'Complete a todo',
  access: 'authenticated',
  params: todoPath,
  responses: {
    200: {
      description: 'completed',
      body: todoMessage('Todo completed successfully.'),
      examples: { done: { message: 'Todo completed successfully.', id: 1 } },
    },
  },
  errors: { 403: ['forbidden'], 404: ['todo_not_found'], 409: ['todo_already_completed'] },
});

export const deleteTodoRoute = commandContract({
  operationId: 'deleteTodo',
  method: 'DELETE',
  path: '/todos/{id}',
  handler: 'functions/todos/command/deleteTodo.ts',
  tag: 'todo demo',
  summary: 'Delete a todo',
  access: 'authenticated',
  params: todoPath,
  responses: {
    200: {
      description: 'deleted',
      body: todoMessage('Todo deleted successfully.'),
      examples: { gone: { message: 'Todo deleted successfully.', id: 1 } },
    },
  },
  errors: { 403: ['forbidden'], 404: ['todo_not_found'] },
});
