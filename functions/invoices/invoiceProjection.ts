// The invoice read model, as the invoice demo's invoice service keeps it: a copy of each user's
// account (email, name, shipping address) and one invoice per user, month and year (UTC). Both live
// in the user's partition, so one query returns an invoice with its account, whichever arrived first.
import type { DomainEvent } from '../../events/contracts.ts';
import { PoisonEventError, type ItemKey, type Projection } from '../projectors/projection.ts';

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

export type InvoiceItem = AccountCopy | Invoice;

export const userPartition = (userId: number) => `USER#${userId}`;
export const ACCOUNT_SORT_KEY = 'ACCOUNT';
export const invoiceSortKey = (year: number, month: number) =>
  `INVOICE#${year}-${String(month).padStart(2, '0')}`;
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

export const invoiceProjection: Projection<InvoiceItem> = {
  name: 'invoices',

  keysOf(event: DomainEvent): ItemKey[] {
    switch (event.type) {
      case 'user.created':
      case 'user.updated':
      case 'user.deleted':
      case 'account.created':
        return [{ pk: userPartition(event.data.userId), sk: ACCOUNT_SORT_KEY }];
      case 'order.created': {
        const { year, month } = invoiceMonth(event.occurredAt);
        return [{ pk: userPartition(event.data.customerId), sk: invoiceSortKey(year, month) }];
      }
      default:
        return [];
    }
  },

  evolve(current, event) {
    switch (event.type) {
      case 'user.created':
      case 'user.updated': {
        const account = (current as AccountCopy | undefined) ?? emptyAccount(event.data.userId);
        return { ...account, name: event.data.name, email: event.data.email, deleted: false };
      }
      case 'user.deleted':
        return {
          ...((current as AccountCopy | undefined) ?? emptyAccount(event.data.userId)),
          deleted: true,
        };
      case 'account.created':
        return {
          ...((current as AccountCopy | undefined) ?? emptyAccount(event.data.userId)),
          shippingAddress: shippingAddress(event.data),
        };
      case 'order.created': {
        const { year, month } = invoiceMonth(event.occurredAt);
        const invoice = (current as Invoice | undefined) ?? {
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
          throw new PoisonEventError(
            `order ${event.data.orderId} is already on invoice ${invoice.invoiceId}`,
          );
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
      }
      default:
        throw new PoisonEventError(`the invoice projection does not handle ${event.type}`);
    }
  },
};
