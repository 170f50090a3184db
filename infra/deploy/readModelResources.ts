// The read side's AWS resources, from the projection catalog: a table per projection (keys pk and
// sk, the catalog's indexes), the event-stream table and the projectors' dead-letter queue.
// serverless.yml includes them as CloudFormation (readSideTemplate.cjs), and the local stack
// (dynalite, sqslite, LocalStack) creates the same tables and queue from them.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import {
  projectionCatalog,
  projectionNames,
  type IndexDefinition,
} from '../../functions/projectors/catalog.ts';
import {
  deadLetterQueueName,
  eventStreamTableName,
  readModelTableName,
} from '../../functions/shared/resourceNames.ts';
import { logicalId } from './logicalIds.ts';

interface TableShape {
  /** CloudFormation's name for it: InvoicesTable, EventStreamTable… */
  logicalId: string;
  name: string;
  indexes: readonly IndexDefinition[];
}

const KEYS = [
  { AttributeName: 'pk', KeyType: 'HASH' },
  { AttributeName: 'sk', KeyType: 'RANGE' },
] as const;

function tableShapes(prefix: string): TableShape[] {
  return [
    ...projectionNames.map((name) => ({
      logicalId: `${logicalId(name)}Table`,
      name: readModelTableName(prefix, name),
      indexes: projectionCatalog[name].indexes,
    })),
    { logicalId: 'EventStreamTable', name: eventStreamTableName(prefix), indexes: [] },
  ];
}

/** CreateTable's input for a table of this shape (CloudFormation's table properties use the same). */
function tableProperties({ name, indexes }: Pick<TableShape, 'name' | 'indexes'>) {
  const attributes = new Map<string, string>([
    ['pk', 'S'],
    ['sk', 'S'],
  ]);
  for (const index of indexes) {
    attributes.set(index.partitionKey.name, index.partitionKey.type);
    if (index.sortKey) attributes.set(index.sortKey.name, index.sortKey.type);
  }
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: [...KEYS],
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    ...(indexes.length > 0 && {
      GlobalSecondaryIndexes: indexes.map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
          ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' }] : []),
        ],
        Projection: { ProjectionType: index.projection ?? 'ALL' },
      })),
    }),
  } as CreateTableCommandInput;
}

/** CreateTable inputs for every read-side table, named with `prefix` (e.g. `cqrs-commerce-dev`). */
export const tableDefinitions = (prefix: string): CreateTableCommandInput[] =>
  tableShapes(prefix).map(tableProperties);

/** CloudFormation's name for the projectors' dead-letter queue. */
export const DEAD_LETTER_QUEUE_ID = 'ProjectorDeadLetterQueue';

/** Names of the SQS queues: the projectors' dead-letter queue. */
export const queueNames = (prefix: string): string[] => [deadLetterQueueName(prefix)];

/**
 * The CloudFormation resources, with `protectData` (production stages) turning on point-in-time
 * recovery and deletion protection: e.g. InvoicesTable, EventStreamTable, ProjectorDeadLetterQueue.
 */
export function cloudFormationResources(prefix: string, protectData: boolean): Record<string, unknown> {
  const tables = Object.fromEntries(
    tableShapes(prefix).map((shape) => [
      shape.logicalId,
      {
        Type: 'AWS::DynamoDB::Table',
        Properties: {
          ...tableProperties(shape),
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: protectData },
          DeletionProtectionEnabled: protectData,
        },
      },
    ]),
  );
  return {
    ...tables,
    [DEAD_LETTER_QUEUE_ID]: {
      Type: 'AWS::SQS::Queue',
      // two weeks, SQS's longest: parked events wait for a fix
      Properties: { QueueName: deadLetterQueueName(prefix), MessageRetentionPeriod: 1_209_600 },
    },
  };
}
