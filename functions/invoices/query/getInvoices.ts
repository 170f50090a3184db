// GET /invoice-service/invoices?user_id&month&year: with all three, that one invoice (404 if none);
// otherwise an array of the invoices that match.
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.ts';
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { findInvoices } from './invoiceReader.ts';

const whole = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `must be a whole number`)
    .transform(Number)
    .refine((value) => value >= min && value <= max, `must be between ${min} and ${max}`)
    .optional();

export const invoiceFilterQuery = z.object({
  user_id: whole(1, Number.MAX_SAFE_INTEGER),
  month: whole(1, 12),
  year: whole(1970, 9999),
});

export const handler = queryRoute('invoices', { query: invoiceFilterQuery }, async ({ query }) => {
  const invoices = await findInvoices({ userId: query.user_id, month: query.month, year: query.year });
  if (query.user_id === undefined || query.month === undefined || query.year === undefined) {
    return { statusCode: 200, body: invoices };
  }
  const [invoice] = invoices;
  if (!invoice) {
    throw new NotFoundError(
      'invoice_not_found',
      `no invoice for user ${query.user_id} in ${query.year}-${String(query.month).padStart(2, '0')}`,
    );
  }
  return { statusCode: 200, body: invoice };
});
