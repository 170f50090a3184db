// GET /todos → [{id, title, completed}] in id order; deleted todos are tombstones outside the index.
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { listScope } from './callerScope.ts';
import { listTodosRoute } from '../../todos/api.ts';
import type { StoredTodo } from './directoryItems.ts';
import { entityList } from './listEntities.ts';

const listTodos = entityList((todo: StoredTodo) => ({
  id: todo.id,
  title: todo.title,
  completed: todo.completed,
}));

export const handler = queryHandler(listTodosRoute, async ({ query, caller }) =>
  listTodos(query, await listScope(caller, 'TODO')),
);
