// serverless.yml's projector functions, one per projection of the catalog: the Lambda, its role (its
// own table, the event-stream table's live-table records, the dead-letter queue, what Amazon MQ's event source
// mapping needs: the projection's own broker user's secret) and a `rabbitmq` event per partition (each its own queue and event source mapping,
// so each partition runs an invocation at a time of its own: streams.ts), with the catalog's batching
// and a reserved concurrency of one per partition.
import { projectionCatalog, projectionNames } from '../../functions/projectors/catalog.ts';
import { CHECKPOINT_KEY_PATTERNS } from '../../functions/projectors/projection.ts';
import { catalogStreams } from '../../functions/projectors/streams.ts';
import { brokerUserSecretArn } from './brokerUserSecrets.ts';
import { logicalId } from './logicalIds.ts';

/** What the functions refer to, resolved from serverless.yml's custom section. */
export interface ProjectorTemplateContext {
  /** `arn:…:table/<prefix>` as a Fn::Sub string: a table's ARN is this plus `-<name>` */
  tableArn: string;
  deadLetterQueueArn: string;
  brokerArn: string;
  virtualHost: string;
}

/** The function's name in serverless.yml, e.g. invoicesProjector. */
export const projectorFunctionName = (projection: string) => `${projection}Projector`;

export function projectorFunctions(context: ProjectorTemplateContext) {
  return Object.fromEntries(
    projectionNames.map((name) => {
      const { batchSize, maximumBatchingWindowSeconds } = projectionCatalog[name];
      const queues = catalogStreams()
        .filter((stream) => stream.projection === name)
        .map((stream) => stream.name);
      return [
        projectorFunctionName(name),
        {
          handler: `functions/${name}/projector.handler`,
          timeout: 60,
          // one execution environment per Amazon MQ mapping, a mapping per partition: reserved, so
          // that a flood of queries cannot take the concurrency the read models need to keep up
          reservedConcurrency: queues.length,
          iamRoleStatements: [
            {
              Effect: 'Allow',
              // read and write its items (BatchWriteItem without conditions, under the table's lease),
              // take and give up the lease, commit the checkpoint, query its held events
              Action: [
                'dynamodb:BatchGetItem',
                'dynamodb:BatchWriteItem',
                'dynamodb:PutItem',
                'dynamodb:UpdateItem',
                'dynamodb:Query',
              ],
              // `*`: the tables a rebuild creates (`<table>-<id>`) are routed to the projector too
              Resource: [{ 'Fn::Sub': `${context.tableArn}-${name}*` }],
            },
            {
              Effect: 'Allow',
              Action: ['dynamodb:GetItem'],
              Resource: [{ 'Fn::Sub': `${context.tableArn}-event-stream` }],
            },
            {
              Effect: 'Allow',
              Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'],
              Resource: [{ 'Fn::Sub': context.deadLetterQueueArn }],
            },
            // what Amazon MQ's event source mapping needs from the function's role: the broker, and
            // the secret of the projection's own broker user, which may consume its queues alone
            { Effect: 'Allow', Action: ['mq:DescribeBroker'], Resource: [context.brokerArn] },
            {
              Effect: 'Allow',
              Action: ['secretsmanager:GetSecretValue'],
              Resource: [brokerUserSecretArn(name)],
            },
            {
              Effect: 'Allow',
              Action: [
                'ec2:CreateNetworkInterface',
                'ec2:DeleteNetworkInterface',
                'ec2:DescribeNetworkInterfaces',
                'ec2:DescribeSecurityGroups',
                'ec2:DescribeSubnets',
                'ec2:DescribeVpcs',
              ],
              Resource: ['*'],
            },
          ],
          events: queues.map((queue) => ({
            rabbitmq: {
              arn: context.brokerArn,
              basicAuthArn: brokerUserSecretArn(name),
              virtualHost: context.virtualHost,
              queue,
              batchSize,
              maximumBatchingWindow: maximumBatchingWindowSeconds,
            },
          })),
        },
      ];
    }),
  );
}

/**
 * osls leaves out a batching window of 0, and Amazon MQ's default is 500 ms: state it on each event
 * source mapping, so that a projector gets what is waiting at once.
 */
export function projectorMappingExtensions() {
  return Object.fromEntries(
    catalogStreams().map(({ name: queue, projection }) => {
      const { maximumBatchingWindowSeconds } = projectionCatalog[projection];
      return [
        mappingId(projection, queue),
        { Properties: { MaximumBatchingWindowInSeconds: maximumBatchingWindowSeconds } },
      ];
    }),
  );
}

/** The logical id osls gives a projector's event source mapping on one queue. */
export const mappingId = (projection: string, queue: string) =>
  `${logicalId(projectorFunctionName(projection))}EventSourceMappingRabbitMQ${logicalId(queue)}`;

/** Every projection's tables (a rebuild's too: `<table>-<id>`), as IAM resources for reading them. */
export const projectionTableResources = (tableArn: string) =>
  projectionNames.map((name) => ({ 'Fn::Sub': `${tableArn}-${name}*` }));

/**
 * The condition of a statement that lets a role read a projection table's checkpoints and no other
 * item (sync-status, health, the relay, a query waiting on the directory): every partition key the
 * request names is a checkpoint's. ForAllValues holds for a request that names none (a Scan), so
 * `Null` refuses a request without one.
 */
export const checkpointItemsOnly = () => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...CHECKPOINT_KEY_PATTERNS] },
  Null: { 'dynamodb:LeadingKeys': 'false' },
});
