// user.created v1, as published before v2, and its upcaster. v1 events stay in the event log and in
// fixtures forever; consumers read them as v2.
import { z } from 'zod';
import { id } from '../fields.ts';

export const userCreatedV1Data = z.object({
  userId: id,
  name: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
});
export type UserCreatedV1Data = z.infer<typeof userCreatedV1Data>;

/** v1 → v2: a v1 user was created before users had owners: nobody's. */
export const upcastUserCreatedV1 = (data: UserCreatedV1Data) => ({ ...data, ownerSubject: null });
