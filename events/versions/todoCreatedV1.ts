// todo.created v1, as published before v2, and its upcaster. v1 events stay in the event log and in
// fixtures forever; consumers read them as v2.
import { z } from 'zod';
import { id } from '../fields.ts';

export const todoCreatedV1Data = z.object({ todoId: id, title: z.string() });
export type TodoCreatedV1Data = z.infer<typeof todoCreatedV1Data>;

/** v1 → v2: a v1 todo was created before todos had owners: nobody's. */
export const upcastTodoCreatedV1 = (data: TodoCreatedV1Data) => ({ ...data, ownerSubject: null });
