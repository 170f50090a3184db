import { describe, expect, it } from 'vitest';
import { eventDataSchemas } from '../../events/contracts.ts';
import { NotFoundError } from '../shared/errors.ts';
import {
  asSystemApiUser,
  asUsersDemoUser,
  existingUser,
  userCreated,
  userDeleted,
  userFromFullName,
  userFromNameParts,
  userUpdated,
  type User,
} from './user.ts';

const ada: User = {
  id: 7,
  name: 'Ada King Lovelace',
  firstName: 'Ada',
  lastName: 'King Lovelace',
  email: 'ada@example.com',
};

describe('userFromFullName', () => {
  it('leaves the last name empty for a single word', () => {
    expect(userFromFullName('Alice', 'alice@example.com')).toEqual({
      name: 'Alice',
      firstName: 'Alice',
      lastName: '',
      email: 'alice@example.com',
    });
  });

  it('takes the first word as first name and the rest as last name', () => {
    expect(userFromFullName('Ada King Lovelace', 'ada@example.com')).toEqual({
      name: 'Ada King Lovelace',
      firstName: 'Ada',
      lastName: 'King Lovelace',
      email: 'ada@example.com',
    });
  });

  it('splits on any run of whitespace but keeps the name as given', () => {
    const user = userFromFullName('Grace \t Hopper', 'grace@example.com');
    expect(user).toMatchObject({ name: 'Grace \t Hopper', firstName: 'Grace', lastName: 'Hopper' });
  });
});

describe('userFromNameParts', () => {
  it('joins the parts into the full name', () => {
    expect(userFromNameParts('Ada', 'King Lovelace', 'ada@example.com')).toEqual({
      name: 'Ada King Lovelace',
      firstName: 'Ada',
      lastName: 'King Lovelace',
      email: 'ada@example.com',
    });
  });

  it('agrees with userFromFullName when the first name is one word', () => {
    const parts = userFromNameParts('Ada', 'King Lovelace', 'ada@example.com');
    expect(userFromFullName(parts.name, parts.email)).toEqual(parts);
  });
});

describe('user events', () => {
  it('userCreated carries every field, the owner too, and satisfies the contract', () => {
    const event = userCreated({ ...ada, ownerSubject: 'auth0|ada' });
    expect(event).toEqual({
      type: 'user.created',
      version: 2,
      aggregateId: '7',
      data: {
        userId: 7,
        name: 'Ada King Lovelace',
        firstName: 'Ada',
        lastName: 'King Lovelace',
        email: 'ada@example.com',
        ownerSubject: 'auth0|ada',
      },
    });
    expect(eventDataSchemas['user.created'].parse(event.data)).toEqual(event.data);
  });

  it('userUpdated satisfies the contract', () => {
    const event = userUpdated({ ...ada, email: 'new@example.com' });
    expect(event).toMatchObject({ type: 'user.updated', version: 1, aggregateId: '7' });
    expect(event.data.email).toBe('new@example.com');
    expect(eventDataSchemas['user.updated'].parse(event.data)).toEqual(event.data);
  });

  it('userCreated for a one-word name (empty last name) satisfies the contract', () => {
    const event = userCreated({
      id: 1,
      ...userFromFullName('Alice', 'alice@example.com'),
      ownerSubject: null,
    });
    expect(eventDataSchemas['user.created'].parse(event.data)).toEqual(event.data);
  });

  it('userDeleted carries only the id and satisfies the contract', () => {
    const event = userDeleted(9);
    expect(event).toEqual({ type: 'user.deleted', version: 1, aggregateId: '9', data: { userId: 9 } });
    expect(eventDataSchemas['user.deleted'].parse(event.data)).toEqual(event.data);
  });
});

describe('dialect shapes', () => {
  it('asUsersDemoUser speaks first_name and last_name', () => {
    expect(asUsersDemoUser(ada)).toEqual({
      id: 7,
      first_name: 'Ada',
      last_name: 'King Lovelace',
      email: 'ada@example.com',
    });
  });

  it('asSystemApiUser speaks name', () => {
    expect(asSystemApiUser(ada)).toEqual({ id: 7, name: 'Ada King Lovelace', email: 'ada@example.com' });
  });
});

describe('existingUser', () => {
  it('returns the user when there is one', () => {
    expect(existingUser(ada, 7)).toBe(ada);
  });

  it('throws NotFoundError naming the id when there is none', () => {
    let error: unknown;
    try {
      existingUser(undefined, 12);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({
      code: 'user_not_found',
      field: 'id',
      statusCode: 404,
      message: 'user 12 does not exist',
    });
  });
});
