// The projection store on DynamoDB: items, checkpoint and held events in the projection's table,
// the lease on the checkpoint item (projectionStore.ts says what the lease guarantees).
import { randomUUID } from 'node:crypto';
import {
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { checkpointKey, type Checkpoint, type ItemKey } from './projection.ts';
import { heldPartition, LEASE_MARGIN_MS, LeaseHeldError, type ProjectionStore } from './projectionStore.ts';
import { readItems, writeItems } from './readItems.ts';

/** Sorts as numbers: sequences stay below 10^16. */
const heldSortKey = (sequence: number) => String(sequence).padStart(16, '0');

const isConditionFailure = (error: unknown) =>
  (error as { name?: string }).name === 'ConditionalCheckFailedException';

export function dynamoProjectionStore(
  db: DynamoDBDocumentClient,
  tableName: string,
  options: {
    /** epoch ms after which this writer writes nothing (the invocation's deadline) */
    deadline: number;
    /** who writes: a lease held under this token is this writer's own (by default, a new one) */
    token?: string;
    now?: () => number;
    /** the partition whose stream it keeps (streams.ts); 0 by default */
    partition?: number;
  },
): ProjectionStore {
  const now = options.now ?? Date.now;
  const partition = options.partition ?? 0;
  const CHECKPOINT_KEY = checkpointKey(partition);
  const HELD_PARTITION = heldPartition(partition);
  const token = options.token ?? randomUUID();
  let holding = false;
  const beforeDeadline = (what: string) => {
    if (now() > options.deadline) {
      throw new Error(`${tableName}: past this invocation's deadline, not writing ${what}`);
    }
  };

  /** Held events matching `condition` on their sort key, in order: their bodies, or only keys. */
  const queryHeld = async (
    condition: string,
    values: Record<string, unknown>,
    options: { limit?: number; keysOnly?: boolean } = {},
  ) => {
    const found: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: `pk = :held AND ${condition}`,
          ExpressionAttributeValues: { ':held': HELD_PARTITION, ...values },
          ConsistentRead: true,
          ExclusiveStartKey: start,
          ...(options.keysOnly ? { ProjectionExpression: 'pk, sk' } : {}),
          ...(options.limit === undefined ? {} : { Limit: options.limit - found.length }),
        }),
      );
      found.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start && (options.limit === undefined || found.length < options.limit));
    return found;
  };
  const sequenceOfKey = (item: Record<string, unknown>) => Number(item.sk);

  const putCheckpoint = async (checkpoint: Checkpoint, keepLease: boolean) => {
    beforeDeadline('the checkpoint');
    await db.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...checkpoint,
          ...CHECKPOINT_KEY,
          ...(keepLease ? { leaseToken: token, leaseUntil: options.deadline + LEASE_MARGIN_MS } : {}),
        },
        ConditionExpression: 'leaseToken = :token',
        ExpressionAttributeValues: { ':token': token },
      }),
    );
  };

  return {
    partition,
    async acquire() {
      try {
        const { Attributes } = await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: CHECKPOINT_KEY,
            UpdateExpression: 'SET leaseToken = :token, leaseUntil = :until',
            ConditionExpression:
              'attribute_not_exists(leaseUntil) OR leaseUntil < :now OR leaseToken = :token',
            ExpressionAttributeValues: {
              ':token': token,
              ':until': options.deadline + LEASE_MARGIN_MS,
              ':now': now(),
            },
            ReturnValues: 'ALL_NEW',
          }),
        );
        holding = true;
        const { leaseToken: _token, leaseUntil: _until, pk: _pk, sk: _sk, ...checkpoint } = Attributes ?? {};
        if ('sequence' in checkpoint) return checkpoint as unknown as Checkpoint;
        // a checkpoint from before sequenced delivery counted the distinct events applied: as many as
        // the first numbers of the stream, which the relay gives the older events in the same order
        if ('eventCount' in checkpoint) {
          const { eventCount, ...rest } = checkpoint;
          return { ...rest, sequence: Number(eventCount), heldCount: 0 } as unknown as Checkpoint;
        }
        return undefined;
      } catch (error) {
        if (isConditionFailure(error)) {
          throw new LeaseHeldError(`${tableName} is being written by another invocation; try again later`);
        }
        throw error;
      }
    },
    readItems: (keys) => readItems(db, tableName, keys),
    async readHeld(from, limit) {
      const items = await queryHeld('sk >= :from', { ':from': heldSortKey(from) }, { limit });
      return items.map((item) => ({ sequence: Number(item.sequence), body: String(item.body) }));
    },
    async heldAbove(after) {
      // keys only: a long gap may hold thousands of events, and this runs on each batch meanwhile
      const keys = await queryHeld('sk > :after', { ':after': heldSortKey(after) }, { keysOnly: true });
      return { count: keys.length, ...(keys[0] ? { first: sequenceOfKey(keys[0]) } : {}) };
    },
    async write(items, hold, deletes = []) {
      beforeDeadline('items');
      await writeItems(
        db,
        tableName,
        [...items, ...hold.map((held) => ({ pk: HELD_PARTITION, sk: heldSortKey(held.sequence), ...held }))],
        deletes,
        () => beforeDeadline('items'),
      );
    },
    save: (checkpoint) => putCheckpoint(checkpoint, true),
    async commit(checkpoint) {
      await putCheckpoint(checkpoint, false);
      holding = false;
    },
    async dropHeld(upTo) {
      const stale = await queryHeld('sk <= :upTo', { ':upTo': heldSortKey(upTo) }, { keysOnly: true });
      await writeItems(db, tableName, [], stale as unknown as ItemKey[]);
    },
    async release() {
      if (!holding) return;
      holding = false;
      await db
        .send(
          new UpdateCommand({
            TableName: tableName,
            Key: CHECKPOINT_KEY,
            UpdateExpression: 'REMOVE leaseToken, leaseUntil',
            ConditionExpression: 'leaseToken = :token',
            ExpressionAttributeValues: { ':token': token },
          }),
        )
        .catch(() => {
          // taken over after our deadline, or unreachable: the lease expires by itself
        });
    },
  };
}
