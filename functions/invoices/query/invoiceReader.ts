// Reads invoices with their account copies and shapes them as the invoice demo shows them.
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  ScanCommand,
  type BatchGetCommandOutput,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { liveTable } from '../../projectors/liveTables.ts';
import { dynamoDb } from '../../shared/aws.ts';
import { fromCents } from '../../shared/money.ts';
import { ACCOUNT_SORT_KEY, userPartition, type AccountCopy, type Invoice } from '../invoiceProjection.ts';

const tableName = () => liveTable('invoices');

export interface InvoiceFilter {
  userId?: number | undefined;
  month?: number | undefined;
  year?: number | undefined;
}

/** The invoice demo's invoice: email and address from the account copy, null until they are known. */
export function invoiceView(invoice: Invoice, account: AccountCopy | undefined) {
  return {
    invoice_id: invoice.invoiceId,
    user_id: invoice.userId,
    email: account?.email ?? null,
    shipping_address: account?.shippingAddress ?? null,
    invoice_dt: invoice.invoiceDt,
    orders: invoice.orders.map((order) => ({
      description: order.description,
      amount: fromCents(order.amountCents),
      purchase_dt: order.purchasedAt,
    })),
    total: fromCents(invoice.totalCents),
  };
}

const isInvoice = (item: Record<string, unknown>) => String(item.sk).startsWith('INVOICE#');
const matches = (invoice: Invoice, filter: InvoiceFilter) =>
  (filter.month === undefined || invoice.month === filter.month) &&
  (filter.year === undefined || invoice.year === filter.year);

async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDb().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

async function accountsOf(userIds: number[]): Promise<Map<number, AccountCopy>> {
  const accounts = new Map<number, AccountCopy>();
  const unique = [...new Set(userIds)];
  for (let start = 0; start < unique.length; start += 100) {
    let keys: Record<string, unknown>[] | undefined = unique
      .slice(start, start + 100)
      .map((userId) => ({ pk: userPartition(userId), sk: ACCOUNT_SORT_KEY }));
    while (keys && keys.length > 0) {
      const page: BatchGetCommandOutput = await dynamoDb().send(
        new BatchGetCommand({ RequestItems: { [await tableName()]: { Keys: keys } } }),
      );
      for (const item of (page.Responses?.[await tableName()] ?? []) as AccountCopy[])
        accounts.set(item.userId, item);
      keys = page.UnprocessedKeys?.[await tableName()]?.Keys;
    }
  }
  return accounts;
}

/** Invoices matching the filter, oldest first; one user's come from its partition, others from a scan. */
export async function findInvoices(filter: InvoiceFilter) {
  if (filter.userId !== undefined) {
    const items = await queryAll({
      TableName: await tableName(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': userPartition(filter.userId) },
    });
    const account = items.find((item) => item.sk === ACCOUNT_SORT_KEY) as AccountCopy | undefined;
    return (items.filter(isInvoice) as unknown as Invoice[])
      .filter((invoice) => matches(invoice, filter))
      .map((invoice) => invoiceView(invoice, account));
  }
  const invoices: Invoice[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await dynamoDb().send(
      new ScanCommand({
        TableName: await tableName(),
        FilterExpression: 'begins_with(sk, :invoice)',
        ExpressionAttributeValues: { ':invoice': 'INVOICE#' },
        ExclusiveStartKey: start,
      }),
    );
    invoices.push(...((page.Items ?? []) as Invoice[]).filter((invoice) => matches(invoice, filter)));
    start = page.LastEvaluatedKey;
  } while (start);
  invoices.sort((a, b) => a.invoiceDt.localeCompare(b.invoiceDt) || a.userId - b.userId);
  const accounts = await accountsOf(invoices.map((invoice) => invoice.userId));
  return invoices.map((invoice) => invoiceView(invoice, accounts.get(invoice.userId)));
}

export async function findInvoiceById(invoiceId: string) {
  const { Items } = await dynamoDb().send(
    new QueryCommand({
      TableName: await tableName(),
      IndexName: 'byInvoiceId',
      KeyConditionExpression: 'invoiceId = :id',
      ExpressionAttributeValues: { ':id': invoiceId },
    }),
  );
  const invoice = Items?.[0] as Invoice | undefined;
  if (!invoice) return undefined;
  const { Item } = await dynamoDb().send(
    new GetCommand({
      TableName: await tableName(),
      Key: { pk: userPartition(invoice.userId), sk: ACCOUNT_SORT_KEY },
    }),
  );
  return invoiceView(invoice, Item as AccountCopy | undefined);
}
