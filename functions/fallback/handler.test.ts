import { describe, expect, it } from 'vitest';
import { methodsAt, parseRoutes } from './handler.ts';

const routes = parseRoutes(
  'GET /users,POST /users,GET /users/{id},PUT /users/{id},POST /todos/{id}/complete',
);

describe('the fallback', () => {
  it('knows the methods each path takes, path parameters included', () => {
    expect(methodsAt(routes, '/users')).toEqual(['GET', 'POST']);
    expect(methodsAt(routes, '/users/7')).toEqual(['GET', 'PUT']);
    expect(methodsAt(routes, '/todos/3/complete')).toEqual(['POST']);
  });

  it('knows no method at a path the API does not have', () => {
    expect(methodsAt(routes, '/users/7/x')).toEqual([]);
    expect(methodsAt(routes, '/nope')).toEqual([]);
  });
});
