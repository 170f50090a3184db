// The read side's AWS resources, defined once in readModelResources.json: serverless.yml includes
// that file as CloudFormation, and the local stack (dynalite, sqslite, LocalStack) is created from it.
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import resourceDefinitions from './readModelResources.json' with { type: 'json' };

const RESOURCE_PREFIX_VARIABLE = '${self:custom.resourcePrefix}';

interface CloudFormationResource {
  Type: 'AWS::DynamoDB::Table' | 'AWS::SQS::Queue';
  Properties: Record<string, unknown>;
}

const resources = resourceDefinitions as unknown as Record<string, CloudFormationResource>;

const withPrefix = (name: unknown, prefix: string) => String(name).replace(RESOURCE_PREFIX_VARIABLE, prefix);

/** CreateTable inputs for every read-model table, named with `prefix` (e.g. `cqrs-commerce-dev`). */
export function tableDefinitions(prefix: string): CreateTableCommandInput[] {
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::DynamoDB::Table')
    .map((resource) => {
      // the keys and indexes; backup and deletion protection are the cloud's business
      const { TableName, BillingMode, KeySchema, AttributeDefinitions, GlobalSecondaryIndexes } =
        resource.Properties as unknown as CreateTableCommandInput;
      return {
        TableName: withPrefix(TableName, prefix),
        BillingMode,
        KeySchema,
        AttributeDefinitions,
        ...(GlobalSecondaryIndexes ? { GlobalSecondaryIndexes } : {}),
      };
    });
}

/** Names of the SQS queues, e.g. the projectors' dead-letter queue. */
export function queueNames(prefix: string): string[] {
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::SQS::Queue')
    .map((resource) => withPrefix(resource.Properties.QueueName, prefix));
}
