// GET /invoice-service/invoices/{id}: one invoice by its id (e.g. 1-2025-04).
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.ts';
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { findInvoiceById } from './invoiceReader.ts';

const invoiceIdParam = z.object({
  id: z.string().regex(/^[1-9]\d{0,15}-\d{4}-(0[1-9]|1[0-2])$/, 'must be an invoice id such as 1-2025-04'),
});

export const handler = queryRoute('invoices', { params: invoiceIdParam }, async ({ params }) => {
  const invoice = await findInvoiceById(params.id);
  if (!invoice) throw new NotFoundError('invoice_not_found', `invoice ${params.id} does not exist`, 'id');
  return { statusCode: 200, body: invoice };
});
