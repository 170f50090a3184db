// GET /todos → [{id, title, completed}] in id order; deleted todos are tombstones outside the index.
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import type { StoredTodo } from './directoryItems.ts';
import { entityList } from './listEntities.ts';
import { MAX_LIMIT } from './listQuery.ts';

const todos = entityList({
  kind: 'TODO',
  toRow: (todo: StoredTodo) => ({ id: todo.id, title: todo.title, completed: todo.completed }),
  defaultLimit: MAX_LIMIT,
});

export const handler = queryRoute('directory', { query: todos.query }, ({ query }) => todos.list(query));
