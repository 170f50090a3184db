// POST /system-api/accounts {user_id, address1, address2?, city, state, zip} or an array → 201
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { requireUserForWrite } from '../../users/userAccess.ts';
import { userExists } from '../../users/userStore.ts';
import { accountCreated, asSystemApiAccount } from '../account.ts';
import { createAccountsRoute } from '../api.ts';
import { insertAccount } from '../accountStore.ts';

export const handler = commandHandler(createAccountsRoute, async ({ body, caller }, sql) => {
  const accounts = [];
  for (const [index, item] of body.items.entries()) {
    const field = body.isArray ? `[${index}].user_id` : 'user_id';
    await requireUserForWrite(sql, caller, item.user_id, field);
    // signed in, requireUserForWrite settled it
    if (!caller.signedIn && !(await userExists(sql, item.user_id)))
      throw new NotFoundError('user_not_found', `user ${item.user_id} does not exist`, field);
    accounts.push(
      await insertAccount(sql, {
        userId: item.user_id,
        address1: item.address1,
        address2: item.address2 ?? null,
        city: item.city,
        state: item.state,
        zip: item.zip,
      }),
    );
  }
  const created = accounts.map(asSystemApiAccount);
  return {
    statusCode: 201,
    body: body.isArray ? created : created[0],
    events: accounts.map(accountCreated),
  };
});
