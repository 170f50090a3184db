// The contract check itself: it must refuse what the document does not allow, or the contract test
// proves nothing.
import { describe, expect, it } from 'vitest';
import { contractViolations } from './apiContract.ts';

const BASE = 'http://localhost:3000';
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => {
  const text = body === undefined ? '' : JSON.stringify(body);
  const contentType = status >= 400 ? 'application/problem+json' : 'application/json';
  return {
    response: new Response(text || null, {
      status,
      headers: { 'Content-Type': contentType, 'X-Correlation-Id': 'c-1', ...headers },
    }),
    text,
  };
};
const check = (method: string, path: string, { response, text }: ReturnType<typeof answer>) =>
  contractViolations(method, `${BASE}${path}`, response, text);

const todo = { message: 'Todo created successfully.', id: 1 };

describe('contractViolations', () => {
  it('accepts a documented answer', () => {
    expect(check('POST', '/todos', answer(201, todo, { 'X-Event-Position': '1000001' }))).toEqual([]);
    expect(
      check('GET', '/users/7', answer(200, { id: 7, first_name: 'A', last_name: 'B', email: 'a@b.co' })),
    ).toEqual([]);
  });

  it('refuses a body that breaks its schema', () => {
    const problems = check(
      'POST',
      '/todos',
      answer(201, { ...todo, id: 'one' }, { 'X-Event-Position': '1' }),
    );
    expect(problems.join()).toMatch(/\/id must be integer/);
    expect(
      check('GET', '/todos', answer(200, [{ id: 1, title: 'x', completed: false, extra: 1 }])),
    ).not.toEqual([]);
  });

  it('refuses a status the operation does not document', () => {
    expect(check('GET', '/todos', answer(418, undefined))).toEqual([
      '418 is not a documented answer of listTodos',
    ]);
  });

  it('refuses a command answer without X-Event-Position', () => {
    expect(check('POST', '/todos', answer(201, todo))).toEqual(['header X-Event-Position is missing']);
  });

  it('refuses an error that is not problem details', () => {
    const notProblem = {
      response: new Response('{"message":"Not Found"}', {
        status: 404,
        headers: { 'Content-Type': 'application/json', 'X-Correlation-Id': 'c' },
      }),
      text: '{"message":"Not Found"}',
    };
    expect(check('GET', '/users/7', notProblem).join()).toMatch(
      /Content-Type application\/json is not documented/,
    );
    expect(check('GET', '/no/such/route', notProblem).join()).toMatch(/no route, yet application\/json/);
  });

  it('refuses a problem code the route does not document', () => {
    const problem = {
      type: 'about:blank',
      title: 'Not Found',
      status: 404,
      detail: 'x',
      code: 'todo_not_found',
    };
    expect(check('GET', '/users/7', answer(404, problem)).join()).toMatch(
      /must be equal to one of the allowed values/,
    );
    expect(check('GET', '/users/7', answer(404, { ...problem, code: 'user_not_found' }))).toEqual([]);
  });
});
