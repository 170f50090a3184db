// The user rules shared by both dialects: /system-api/users speaks `name`, /users speaks
// `first_name` and `last_name`; both are the same users.
import { pendingEvent } from '../../events/contracts.ts';
import { NotFoundError } from '../shared/errors.ts';

export interface User {
  id: number;
  name: string;
  firstName: string;
  lastName: string;
  email: string;
}

export type NewUser = Omit<User, 'id'>;

/** A user and the subject it is tied to (null: nobody's), as the users table keeps them. */
export type OwnedUser = User & { ownerSubject: string | null };

/** "Ada King Lovelace" → first "Ada", last "King Lovelace"; one word leaves the last name empty. */
export function userFromFullName(name: string, email: string): NewUser {
  const [firstName = '', ...rest] = name.split(/\s+/);
  return { name, firstName, lastName: rest.join(' '), email };
}

export function userFromNameParts(firstName: string, lastName: string, email: string): NewUser {
  return { name: `${firstName} ${lastName}`, firstName, lastName, email };
}

const eventData = (user: User) => ({
  userId: user.id,
  name: user.name,
  firstName: user.firstName,
  lastName: user.lastName,
  email: user.email,
});

export const userCreated = (user: OwnedUser) =>
  pendingEvent('user.created', user.id, { ...eventData(user), ownerSubject: user.ownerSubject });
export const userUpdated = (user: User) => pendingEvent('user.updated', user.id, eventData(user));
export const userDeleted = (userId: number) => pendingEvent('user.deleted', userId, { userId });

export function existingUser<T>(user: T | undefined, id: number): T {
  if (!user) throw new NotFoundError('user_not_found', `user ${id} does not exist`, 'id');
  return user;
}

/** The /users dialect's shape of a user. */
export const asUsersDemoUser = (user: User) => ({
  id: user.id,
  first_name: user.firstName,
  last_name: user.lastName,
  email: user.email,
});

/** The /system-api dialect's shape of a user. */
export const asSystemApiUser = (user: User) => ({ id: user.id, name: user.name, email: user.email });
