// The invoice demo's read side: one invoice per user and UTC month, with its orders and total.
import { z } from 'zod';
import { answeredAmount, answeredId, answeredTime } from '../shared/http/fields.ts';
import { queryContract } from '../shared/http/routeContract.ts';

const whole = (min: number, max: number, description: string) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `must be between ${min} and ${max}`)
    .optional()
    .meta({ description });

export const invoiceFilterQuery = z.object({
  user_id: whole(1, Number.MAX_SAFE_INTEGER, 'the user’s id'),
  month: whole(1, 12, 'the UTC month, 1 to 12'),
  year: whole(1970, 9999, 'the year'),
});

export const invoice = z
  .object({
    /** the user's id, the year and the month: 1-2026-02 */
    invoice_id: z.string().meta({ example: '1-2026-02' }),
    user_id: answeredId,
    /** null until the user's email is known */
    email: z.string().nullable(),
    /** null until the user has an account */
    shipping_address: z.string().nullable(),
    /** the first instant of the month, UTC */
    invoice_dt: answeredTime,
    orders: z.array(z.object({ description: z.string(), amount: answeredAmount, purchase_dt: answeredTime })),
    total: answeredAmount,
  })
  .meta({ id: 'Invoice' });

const alicesInvoice = {
  invoice_id: '1-2026-02',
  user_id: 1,
  email: 'alice@demo.com',
  shipping_address: '123 Main St, Cityville, ST 12345',
  invoice_dt: '2026-02-01T00:00:00Z',
  orders: [{ description: 'Test purchase', amount: 50, purchase_dt: '2026-02-11T16:35:00.000Z' }],
  total: 50,
};

export const getInvoicesRoute = queryContract({
  operationId: 'getInvoices',
  method: 'GET',
  path: '/invoice-service/invoices',
  handler: 'functions/invoices/query/getInvoices.ts',
  tag: 'invoice demo',
  summary: 'Find invoices',
  description:
    'With user_id, month and year: that one invoice (404 if there is none). With fewer filters: every invoice that matches, oldest first.',
  access: 'authenticated',
  projection: 'invoices',
  query: invoiceFilterQuery,
  responses: {
    200: {
      description: 'the invoice, or the invoices that match',
      body: z.union([invoice, z.array(invoice)]),
      examples: { oneMonth: alicesInvoice, allOfAUser: [alicesInvoice] },
    },
  },
  errors: { 403: ['forbidden'], 404: ['invoice_not_found'] },
});

export const getInvoiceRoute = queryContract({
  operationId: 'getInvoice',
  method: 'GET',
  path: '/invoice-service/invoices/{id}',
  handler: 'functions/invoices/query/getInvoice.ts',
  tag: 'invoice demo',
  summary: 'Get an invoice by its id',
  access: 'authenticated',
  projection: 'invoices',
  params: z.object({
    id: z
      .string()
      // the user id has at most 15 digits, as every id: a safe integer
      .regex(/^[1-9]\d{0,14}-\d{4}-(0[1-9]|1[0-2])$/, 'must be an invoice id such as 1-2025-04')
      .meta({ description: 'user id, year and month', example: '1-2026-02' }),
  }),
  responses: { 200: { description: 'the invoice', body: invoice, examples: { alice: alicesInvoice } } },
  errors: { 403: ['forbidden'], 404: ['invoice_not_found'] },
});
