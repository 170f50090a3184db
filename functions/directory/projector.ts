import { projectorHandler } from '../projectors/projectorHandler.ts';
import { directoryProjection } from './directoryProjection.ts';

export const handler = projectorHandler(directoryProjection);
