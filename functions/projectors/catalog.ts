// The read side, defined once: each projection's name, the event types it subscribes to, the queue
// that feeds it, its batch settings and its table. Everything else derives from here: the broker
// topology, the relay's routing and sequencing, serverless.yml's projector functions, tables and
// event source mappings, the dev stack's queue bridges, replay, rebuild and the benchmark.
//
// Each queue carries one stream: the relay numbers the events it routes there 1, 2, 3… and the
// projector applies them in that order whatever order they arrive in. A projection that outgrows one
// consumer is split into partitions by item key, each a queue and a stream of its own (streams.ts).
import { eventTypes, type EventType } from '../../events/contracts.ts';
import { directoryIndexes } from '../directory/listOrder.ts';

export interface IndexDefinition {
  name: string;
  /** what the index holds of an item: all of it (the default), or its keys alone */
  projection?: 'ALL' | 'KEYS_ONLY';
  partitionKey: { name: string; type: 'S' | 'N' };
  sortKey?: { name: string; type: 'S' | 'N' };
}

export interface ProjectionDefinition {
  /**
   * its subscriptions, written here only: the projection's keysOf and evolve take these events and no
   * others (SubscribedEvent, projection.ts), and their exhaustive switches fail the type check when
   * the two disagree
   */
  eventTypes: readonly EventType[];
  /** the RabbitMQ queue that feeds the projector, and the name of its sequence stream (its first partition's) */
  queue: string;
  /**
   * how many partitions it is split into, each a queue, a stream and an event source mapping of its
   * own (an Amazon MQ mapping runs one invocation at a time): streams.ts; changing it: docs/operating.md,
   * "Changing the partition count". PROJECTION_PARTITIONS overrides it locally.
   */
  partitions: number;
  /**
   * the most messages in one invocation. Amazon MQ allows up to 10,000, and sends fewer when a batch
   * would pass 6 MB (2,000 events of about 1.5 KB each, as published, is half of that). Measured
   * against 500 and 1,000: fewer leases, checkpoints and invocations for a backlog (decision 0033,
   * "Every list is an index")
   */
  batchSize: number;
  /** how long the event source mapping gathers a batch; 0: what is waiting, at once */
  maximumBatchingWindowSeconds: number;
  /** the global secondary indexes of its table (keys are always pk and sk, strings) */
  indexes: readonly IndexDefinition[];
}

export const projectionCatalog = {
  invoices: {
    eventTypes: ['user.created', 'user.updated', 'user.deleted', 'account.created', 'order.created'],
    queue: 'invoices',
    partitions: 1,
    batchSize: 2000,
    maximumBatchingWindowSeconds: 0,
    indexes: [{ name: 'byInvoiceId', partitionKey: { name: 'invoiceId', type: 'S' } }],
  },
  analytics: {
    eventTypes: ['product.created', 'order.created'],
    queue: 'analytics',
    partitions: 1,
    batchSize: 2000,
    maximumBatchingWindowSeconds: 0,
    indexes: [],
  },
  directory: {
    eventTypes,
    queue: 'directory',
    partitions: 1,
    batchSize: 2000,
    maximumBatchingWindowSeconds: 0,
    // every list the directory serves, in each order it accepts (listOrder.ts)
    indexes: directoryIndexes,
  },
} as const satisfies Record<string, ProjectionDefinition>;

export type ProjectionName = keyof typeof projectionCatalog;
/** The event types the projection of this name subscribes to: what its keysOf and evolve take. */
export type Subscription<Name extends ProjectionName> =
  (typeof projectionCatalog)[Name]['eventTypes'][number];
export const projectionNames = Object.keys(projectionCatalog) as ProjectionName[];

export const isProjectionName = (name: unknown): name is ProjectionName =>
  typeof name === 'string' && Object.hasOwn(projectionCatalog, name);

/** Does the projection subscribe to events of this type? */
export const subscribes = <Name extends ProjectionName>(
  projection: Name,
  type: string,
): type is Subscription<Name> =>
  (projectionCatalog[projection].eventTypes as readonly string[]).includes(type);
