// The account routes of the invoice demo: a user's addresses.
import { z } from 'zod';
import { listQuery } from '../directory/query/listQuery.ts';
import { answeredId, answeredTime, id, oneOrMany, text } from '../shared/http/fields.ts';
import { commandContract, queryContract } from '../shared/http/routeContract.ts';

const address = { address1: '123 Main St', city: 'Cityville', state: 'ST', zip: '12345' };

export const accountInput = z.strictObject({
  user_id: id,
  address1: text(200),
  address2: text(200).nullish(),
  city: text(100),
  state: text(100),
  // a zip is a code, not a number, but JSON clients often send 12345
  zip: z.union([text(20), z.int().nonnegative().transform(String)]),
});

export const systemApiAccount = z.object({
  id: answeredId,
  user_id: answeredId,
  address1: z.string(),
  address2: z.string().nullable(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
});

export const createAccountsRoute = commandContract({
  operationId: 'createAccounts',
  method: 'POST',
  path: '/system-api/accounts',
  handler: 'functions/accounts/command/createAccounts.ts',
  tag: 'invoice demo',
  summary: 'Create an account, or several',
  description:
    'An account is a user’s shipping address; the user must exist. One object or an array (up to 100), all or none.',
  access: 'authenticated',
  body: oneOrMany(accountInput),
  bodyExamples: { one: { user_id: 1, ...address } },
  responses: {
    201: {
      description: 'the created account, or the created accounts in the order given',
      body: z.union([systemApiAccount, z.array(systemApiAccount)]),
      examples: { one: { id: 1, user_id: 1, ...address, address2: null } },
    },
  },
  errors: { 403: ['forbidden'], 404: ['user_not_found'] },
});

export const listAccountsRoute = queryContract({
  operationId: 'listAccounts',
  method: 'GET',
  path: '/system-api/accounts',
  handler: 'functions/directory/query/listAccounts.ts',
  tag: 'invoice demo',
  summary: 'List accounts',
  access: 'authenticated',
  projection: 'directory',
  list: true,
  query: listQuery({
    kind: 'ACCOUNT',
    columns: ['user_id', 'city', 'state', 'zip', 'created_at'],
    defaultLimit: 100,
  }),
  responses: {
    200: {
      description: 'a page of accounts',
      body: z.array(systemApiAccount.extend({ created_at: answeredTime })),
      examples: {
        page: [{ id: 1, user_id: 1, ...address, address2: null, created_at: '2026-02-11T16:35:00.000Z' }],
      },
    },
  },
});
