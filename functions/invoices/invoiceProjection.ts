// The invoice read model, as the invoice demo's invoice service keeps it: a copy of each user's
// account (email, name, shipping address) and one invoice per user, month and year (UTC). Both live
// in the user's partition, so one query returns an invoice with its account, whichever arrived first.
import { PoisonEventError, projectionByKind } from '../projectors/projection.ts';
import { assertNever } from '../shared/exhaustive.ts';

export interface AccountCopy {
  userId: number;
  name: string | null;
  email: string | null;
  shippingAddress: string | null;
  deleted?: boolean;
}

export interface InvoiceOrder {
  orderId: number;
  description: string;
  amountCents: number;
  purchasedAt: string;
}

export interface Invoice {
  invoiceId: string;
  userId: number;
  year: number;
  month: number;
  /** the first day of the month, UTC */
  invoiceDt: string;
  orders: InvoiceOrder[];
  totalCents: number;
}

/** The invoice read model's items by kind. */
export interface InvoiceItems {
  account: AccountCopy;
  invoice: Invoice;
}
export type InvoiceItem = InvoiceItems[keyof InvoiceItems];

export const userPartition = (userId: number) => `USER#${userId}`;
export const ACCOUNT_SORT_KEY = 'ACCOUNT';
export const invoiceSortKey = (year: number, month: number) =>
  `INVOICE#${year}-${String(month).padStart(2, '0')}`;

/** The key of a user's account copy, naming its kind and user. */
export const accountKey = (userId: number) =>
  ({ kind: 'account', userId, pk: userPartition(userId), sk: ACCOUNT_SORT_KEY }) as const;
/** The key of a user's invoice for a month. */
export const invoiceKey = (userId: number, year: number, month: number) =>
  ({
    kind: 'invoice',
    userId,
    year,
    month,
    pk: userPartition(userId),
    sk: invoiceSortKey(year, month),
  }) as const;
export type InvoiceKey = ReturnType<typeof accountKey> | ReturnType<typeof invoiceKey>;

/** Deterministic, so that a rebuild gives every invoice the id it had. */
export const invoiceIdOf = (userId: number, year: number, month: number) =>
  `${userId}-${year}-${String(month).padStart(2, '0')}`;

/** "123 Main St, Apt 4, Cityville, ST 12345" */
export function shippingAddress(account: {
  address1: string;
  address2: string | null;
  city: string;
  state: string;
  zip: string;
}) {
  return [account.address1, account.address2, account.city, `${account.state} ${account.zip}`]
    .filter((part) => part !== null && part !== '')
    .join(', ');
}

function invoiceMonth(occurredAt: string) {
  const at = new Date(occurredAt);
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1 };
}

const emptyAccount = (userId: number): AccountCopy => ({
  userId,
  name: null,
  email: null,
  shippingAddress: null,
});

export const invoiceProjection = projectionByKind<InvoiceItems, 'invoices', InvoiceKey>({
  name: 'invoices',

  keysOf(event) {
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
      case 'user.deleted':
      case 'account.created':
        return [accountKey(event.data.userId)];
      case 'order.created': {
        const { year, month } = invoiceMonth(event.occurredAt);
        return [invoiceKey(event.data.customerId, year, month)];
      }
      default:
        return assertNever(event, 'event');
    }
  },

  evolve: {
    account(current, event) {
      switch (event.type) {
        case 'user.created':
        case 'user.updated': {
          const account = current ?? emptyAccount(event.data.userId);
          return { ...account, name: event.data.name, email: event.data.email, deleted: false };
        }
        case 'user.deleted':
          return { ...(current ?? emptyAccount(event.data.userId)), deleted: true };
        case 'account.created':
          return {
            ...(current ?? emptyAccount(event.data.userId)),
            shippingAddress: shippingAddress(event.data),
          };
        case 'order.created':
          throw new PoisonEventError(`an order changes no account copy (order ${event.data.orderId})`);
        default:
          return assertNever(event, 'event');
      }
    },

    invoice(current, event, key) {
      if (event.type !== 'order.created') {
        throw new PoisonEventError(`${event.type} changes no invoice (${key.pk} ${key.sk})`);
      }
      const { year, month } = invoiceMonth(event.occurredAt);
      const invoice = current ?? {
        invoiceId: invoiceIdOf(event.data.customerId, year, month),
        userId: event.data.customerId,
        year,
        month,
        // the invoice demo's format: 2025-04-01T00:00:00Z
        invoiceDt: `${year}-${String(month).padStart(2, '0')}-01T00:00:00Z`,
        orders: [],
        totalCents: 0,
      };
      if (invoice.orders.some((order) => order.orderId === event.data.orderId)) {
        throw new PoisonEventError(`order ${event.data.orderId} is already on invoice ${invoice.invoiceId}`);
      }
      return {
        ...invoice,
        orders: [
          ...invoice.orders,
          {
            orderId: event.data.orderId,
            description: event.data.description,
            amountCents: event.data.totalCents,
            purchasedAt: event.occurredAt,
          },
        ],
        totalCents: invoice.totalCents + event.data.totalCents,
      };
    },
  },
});
