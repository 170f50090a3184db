import { describe, expect, it } from 'vitest';
import { thrown } from '../../tests/support/thrown.ts';
import { eventDataSchemas } from '../../events/contracts.ts';
import { ConflictError, NotFoundError } from '../shared/errors.ts';
import { completeTodo, deleteTodo, todoCreated, type Todo } from './todo.ts';

const todo = (overrides: Partial<Todo> = {}): Todo => ({
  id: 5,
  title: 'Write tests',
  completed: false,
  deleted: false,
  ownerSubject: null,
  ...overrides,
});

describe('todoCreated', () => {
  it('builds a version 2 todo.created event, with its owner, that satisfies the contract', () => {
    const event = todoCreated({ id: 5, title: 'Write tests', ownerSubject: 'auth0|ada' });
    expect(event).toEqual({
      type: 'todo.created',
      version: 2,
      aggregateId: '5',
      data: { todoId: 5, title: 'Write tests', ownerSubject: 'auth0|ada' },
    });
    expect(eventDataSchemas['todo.created'].parse(event.data)).toEqual(event.data);
  });
});

describe('completeTodo', () => {
  it('completes an open todo with a todo.completed event', () => {
    const event = completeTodo(todo(), 5);
    expect(event).toEqual({ type: 'todo.completed', version: 1, aggregateId: '5', data: { todoId: 5 } });
    expect(eventDataSchemas['todo.completed'].parse(event.data)).toEqual(event.data);
  });

  it('is a 404 for a missing todo', () => {
    const error = thrown(() => completeTodo(undefined, 5));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'todo_not_found', field: 'id', statusCode: 404 });
  });

  it('is a 404 for a deleted todo, even an open one', () => {
    const error = thrown(() => completeTodo(todo({ deleted: true }), 5));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'todo_not_found' });
  });

  it('is a 404 (not a 409) for a deleted completed todo', () => {
    expect(thrown(() => completeTodo(todo({ deleted: true, completed: true }), 5))).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('is a 409 for a todo already completed', () => {
    const error = thrown(() => completeTodo(todo({ completed: true }), 5));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'todo_already_completed', field: 'id', statusCode: 409 });
  });
});

describe('deleteTodo', () => {
  it('deletes an open todo with a todo.deleted event', () => {
    const event = deleteTodo(todo(), 5);
    expect(event).toEqual({ type: 'todo.deleted', version: 1, aggregateId: '5', data: { todoId: 5 } });
    expect(eventDataSchemas['todo.deleted'].parse(event.data)).toEqual(event.data);
  });

  it('deletes a completed todo too', () => {
    expect(deleteTodo(todo({ completed: true }), 5).type).toBe('todo.deleted');
  });

  it('is a 404 for a missing todo', () => {
    const error = thrown(() => deleteTodo(undefined, 8));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'todo_not_found', field: 'id', message: 'todo 8 does not exist' });
  });

  it('is a 404 for a todo already deleted', () => {
    expect(thrown(() => deleteTodo(todo({ deleted: true }), 5))).toBeInstanceOf(NotFoundError);
  });
});
