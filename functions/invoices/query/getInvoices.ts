// GET /invoice-service/invoices?user_id&month&year: with all three, that one invoice (404 if none);
// otherwise an array of the invoices that match. A signed-in caller reads only its own user's: without
// user_id, those; with another user's, a 403.
import { userScope, userToRead } from '../../directory/query/callerScope.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { getInvoicesRoute } from '../api.ts';
import { findInvoices } from './invoiceReader.ts';

export const handler = queryHandler(getInvoicesRoute, async ({ query, caller }) => {
  const userId = userToRead(await userScope(caller), query.user_id, 'user_id');
  if (userId === null) return { statusCode: 200, body: [] };
  const invoices = await findInvoices({ userId, month: query.month, year: query.year });
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
