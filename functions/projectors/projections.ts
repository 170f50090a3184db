// Every projection by name, for the code that works on any of them (the rebuild, the benchmark, the
// fold the tests compare with). A projector Lambda imports only its own.
import { analyticsProjection } from '../analytics/analyticsProjection.ts';
import { directoryProjection } from '../directory/directoryProjection.ts';
import { invoiceProjection } from '../invoices/invoiceProjection.ts';
import type { ProjectionName } from './catalog.ts';
import type { Projection } from './projection.ts';

export const projections: { [Name in ProjectionName]: Projection<object, Name> } = {
  invoices: invoiceProjection,
  analytics: analyticsProjection,
  directory: directoryProjection,
};
