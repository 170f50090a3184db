// GET /invoice-service/invoices/{id}: one invoice by its id (e.g. 1-2025-04: user 1's of April 2025);
// a signed-in caller reads only its own user's.
import { requireUserForRead } from '../../directory/query/callerScope.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { getInvoiceRoute } from '../api.ts';
import { findInvoiceById } from './invoiceReader.ts';

export const handler = queryHandler(getInvoiceRoute, async ({ params, caller }) => {
  await requireUserForRead(caller, Number(params.id.split('-')[0]), 'id');
  const invoice = await findInvoiceById(params.id);
  if (!invoice) throw new NotFoundError('invoice_not_found', `invoice ${params.id} does not exist`, 'id');
  return { statusCode: 200, body: invoice };
});
