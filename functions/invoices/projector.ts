import { projectorHandler } from '../projectors/projectorHandler.ts';
import { invoiceProjection } from './invoiceProjection.ts';

export const handler = projectorHandler(invoiceProjection);
