// The todo rules: what each command decides, with no SQL in sight.
import { pendingEvent } from '../../events/contracts.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';

export interface Todo {
  id: number;
  title: string;
  completed: boolean;
  deleted: boolean;
  /** the subject that created it; null: nobody's (signing in off) */
  ownerSubject: string | null;
}

export function todoCreated(todo: Pick<Todo, 'id' | 'title' | 'ownerSubject'>) {
  return pendingEvent('todo.created', todo.id, {
    todoId: todo.id,
    title: todo.title,
    ownerSubject: todo.ownerSubject,
  });
}

function existing(todo: Todo | undefined, id: number): Todo {
  if (!todo || todo.deleted) throw new NotFoundError('todo_not_found', `todo ${id} does not exist`, 'id');
  return todo;
}

export function completeTodo(todo: Todo | undefined, id: number) {
  const current = existing(todo, id);
  if (current.completed)
    throw new ConflictError('todo_already_completed', `todo ${id} is already completed`, 'id');
  return pendingEvent('todo.completed', id, { todoId: id });
}

export function deleteTodo(todo: Todo | undefined, id: number) {
  existing(todo, id);
  return pendingEvent('todo.deleted', id, { todoId: id });
}
