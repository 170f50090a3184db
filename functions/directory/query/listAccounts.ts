// GET /system-api/accounts?limit&offset&order_by&cursor
//   → [{id, user_id, address1, address2, city, state, zip, created_at}]
import { asSystemApiAccount } from '../../accounts/account.ts';
import { listAccountsRoute } from '../../accounts/api.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { listScope } from './callerScope.ts';
import type { StoredAccount } from './directoryItems.ts';
import { entityList } from './listEntities.ts';

const listAccounts = entityList((account: StoredAccount) => ({
  ...asSystemApiAccount(account),
  created_at: account.createdAt,
}));

export const handler = queryHandler(listAccountsRoute, async ({ query, caller }) =>
  listAccounts(query, await listScope(caller, 'ACCOUNT')),
);
