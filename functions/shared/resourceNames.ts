// Names of the read side's AWS resources, from the prefix (e.g. `cqrs-commerce-dev`); the resources
// themselves are defined by infra/deploy/readModelResources.ts from the projection catalog.
import type { ProjectionName } from '../projectors/catalog.ts';

export const readModelTableName = (prefix: string, projection: ProjectionName) => `${prefix}-${projection}`;
/** Where the relay records the head of every stream (for sync-status) and where tables are routed. */
export const eventStreamTableName = (prefix: string) => `${prefix}-event-stream`;
export const deadLetterQueueName = (prefix: string) => `${prefix}-projector-dead-letters`;
