import { projectorHandler } from '../projectors/projectorHandler.ts';
import { analyticsProjection } from './analyticsProjection.ts';

export const handler = projectorHandler(analyticsProjection);
