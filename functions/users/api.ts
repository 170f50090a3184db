// The user routes of both dialects: /system-api/users (the invoice demo: `name`) and /users (the
// users demo: `first_name`, `last_name`), the same users. Commands write PostgreSQL; the GETs answer
// from the directory projection.
import { z } from 'zod';
import { listQuery } from '../directory/query/listQuery.ts';
import { answeredId, answeredTime, email, idParam, oneOrMany, text } from '../shared/http/fields.ts';
import { commandContract, queryContract } from '../shared/http/routeContract.ts';

const alice = { name: 'Alice', email: 'alice@demo.com' };
const grace = { first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' };

export const systemApiUserInput = z.strictObject({ name: text(200), email });
export const systemApiUser = z.object({ id: answeredId, name: z.string(), email: z.string() });

/** The body of the users demo's POST and PUT. */
export const usersDemoUserInput = z.strictObject({ first_name: text(100), last_name: text(100), email });
export const usersDemoUser = z.object({
  id: answeredId,
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
});

const userPath = z.object({ id: idParam.meta({ description: 'the user id', example: '1' }) });

export const createSystemApiUsersRoute = commandContract({
  operationId: 'createSystemApiUsers',
  method: 'POST',
  path: '/system-api/users',
  handler: 'functions/users/command/createSystemApiUsers.ts',
  tag: 'invoice demo',
  summary: 'Create a user, or several',
  description:
    'One object creates one user and answers it; an array (up to 100) creates them all, or none. Signed in, the user is tied to the token’s subject (one user a subject: subject_has_user); an administrator’s users are tied to nobody.',
  access: 'authenticated',
  body: oneOrMany(systemApiUserInput),
  bodyExamples: { one: alice, several: [alice, { name: 'Bob', email: 'bob@demo.com' }] },
  responses: {
    201: {
      description: 'the created user, or the created users in the order given',
      body: z.union([systemApiUser, z.array(systemApiUser)]),
      examples: { one: { id: 1, ...alice } },
    },
  },
  errors: { 409: ['email_taken', 'subject_has_user'] },
});

export const listSystemApiUsersRoute = queryContract({
  operationId: 'listSystemApiUsers',
  method: 'GET',
  path: '/system-api/users',
  handler: 'functions/directory/query/listSystemApiUsers.ts',
  tag: 'invoice demo',
  summary: 'List users',
  access: 'authenticated',
  projection: 'directory',
  list: true,
  query: listQuery({ kind: 'USER', columns: ['name', 'email', 'created_at'], defaultLimit: 100 }),
  responses: {
    200: {
      description: 'a page of users',
      body: z.array(
        systemApiUser.extend({ created_at: answeredTime, updated_at: answeredTime }).meta({
          id: 'SystemApiUserRow',
        }),
      ),
      examples: {
        page: [
          { id: 1, ...alice, created_at: '2026-02-11T16:35:00.000Z', updated_at: '2026-02-11T16:35:00.000Z' },
        ],
      },
    },
  },
});

export const registerUserRoute = commandContract({
  operationId: 'registerUser',
  method: 'POST',
  path: '/users',
  handler: 'functions/users/command/registerUser.ts',
  tag: 'users demo',
  summary: 'Create a user',
  access: 'authenticated',
  body: usersDemoUserInput,
  bodyExamples: { grace },
  responses: {
    201: { description: 'the created user', body: usersDemoUser, examples: { grace: { id: 2, ...grace } } },
  },
  errors: { 409: ['email_taken', 'subject_has_user'] },
});

export const listUsersRoute = queryContract({
  operationId: 'listUsers',
  method: 'GET',
  path: '/users',
  handler: 'functions/directory/query/listUsers.ts',
  tag: 'users demo',
  summary: 'List users',
  access: 'authenticated',
  projection: 'directory',
  list: true,
  query: listQuery({ kind: 'USER', columns: [], defaultLimit: 1000 }),
  responses: {
    200: {
      description: 'a page of users, in id order',
      body: z.array(usersDemoUser),
      examples: { page: [{ id: 2, ...grace }] },
    },
  },
});

export const getUserRoute = queryContract({
  operationId: 'getUser',
  method: 'GET',
  path: '/users/{id}',
  handler: 'functions/directory/query/getUser.ts',
  tag: 'users demo',
  summary: 'Get a user',
  access: 'authenticated',
  projection: 'directory',
  params: userPath,
  responses: {
    200: { description: 'the user', body: usersDemoUser, examples: { grace: { id: 2, ...grace } } },
  },
  errors: { 403: ['forbidden'], 404: ['user_not_found'] },
});

export const updateUserRoute = commandContract({
  operationId: 'updateUser',
  method: 'PUT',
  path: '/users/{id}',
  handler: 'functions/users/command/updateUser.ts',
  tag: 'users demo',
  summary: 'Replace a user’s names and email',
  access: 'authenticated',
  params: userPath,
  body: usersDemoUserInput,
  bodyExamples: { grace: { ...grace, last_name: 'Murray Hopper' } },
  responses: {
    200: {
      description: 'the user as updated',
      body: usersDemoUser,
      examples: { grace: { id: 2, ...grace, last_name: 'Murray Hopper' } },
    },
  },
  errors: { 403: ['forbidden'], 404: ['user_not_found'], 409: ['email_taken'] },
});

export const deleteUserRoute = commandContract({
  operationId: 'deleteUser',
  method: 'DELETE',
  path: '/users/{id}',
  handler: 'functions/users/command/deleteUser.ts',
  tag: 'users demo',
  summary: 'Delete a user',
  access: 'authenticated',
  params: userPath,
  responses: { 204: { description: 'deleted' } },
  errors: { 403: ['forbidden'], 404: ['user_not_found'] },
});
