// GET /system-api/accounts?limit&offset&order_by&cursor
//   → [{id, user_id, address1, address2, city, state, zip, created_at}]
import { asSystemApiAccount } from '../../accounts/account.ts';
import { listAccountsRoute } from '../../accounts/api.ts';
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { listScope } from './callerScope.ts';
import type { StoredAccount } from './directoryItems.ts';
import { byNumber, byText, byTime, entityList } from './listEntities.ts';

const listAccounts = entityList({
  toRow: (account: StoredAccount) => ({ ...asSystemApiAccount(account), created_at: account.createdAt }),
  sortableColumns: {
    user_id: byNumber((account) => account.user_id),
    city: byText((account) => account.city),
    state: byText((account) => account.state),
    zip: byText((account) => account.zip),
    created_at: byTime((account) => account.created_at),
  },
});

export const handler = queryRoute(listAccountsRoute, async ({ query, caller }) =>
  listAccounts(query, await listScope(caller, 'ACCOUNT')),
);
