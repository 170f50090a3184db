import { describe, expect, it } from 'vitest';
import { ANYONE } from '../callers.ts';
import { idempotencyScope } from './commandHandler.ts';

describe('idempotencyScope', () => {
  it('is the route, and the subject when one is signed in', () => {
    expect(idempotencyScope('POST /todos', ANYONE)).toBe('POST /todos');
    const alice = idempotencyScope('POST /todos', { signedIn: true, subject: 'alice', administrator: false });
    const bob = idempotencyScope('POST /todos', { signedIn: true, subject: 'bob', administrator: false });
    expect(alice).not.toBe(bob);
    expect(alice).toContain('POST /todos');
  });
});
