import { pendingEvent } from '../../events/contracts.ts';

export interface Account {
  id: number;
  userId: number;
  address1: string;
  address2: string | null;
  city: string;
  state: string;
  zip: string;
}

export const accountCreated = (account: Account) =>
  pendingEvent('account.created', account.id, {
    accountId: account.id,
    userId: account.userId,
    address1: account.address1,
    address2: account.address2,
    city: account.city,
    state: account.state,
    zip: account.zip,
  });

/** The /system-api dialect's shape of an account. */
export const asSystemApiAccount = (account: Account) => ({
  id: account.id,
  user_id: account.userId,
  address1: account.address1,
  address2: account.address2,
  city: account.city,
  state: account.state,
  zip: account.zip,
});
