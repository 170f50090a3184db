// Names of the read side's AWS resources, from the prefix (e.g. `cqrs-commerce-dev`); the resources
// themselves are defined in readModelResources.json.
import type { ProjectorName } from '../rabbitmq/topology.ts';

export const readModelTableName = (prefix: string, projection: ProjectorName) => `${prefix}-${projection}`;
/** Where the relay records the head of the published stream (for sync-status). */
export const eventStreamTableName = (prefix: string) => `${prefix}-event-stream`;
export const deadLetterQueueName = (prefix: string) => `${prefix}-projector-dead-letters`;
