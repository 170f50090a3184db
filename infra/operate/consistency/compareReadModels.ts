// Compares a projection's table with the items recomputed from PostgreSQL: every expected item must
// exist with the expected fields, and no unexpected item may exist.
import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { isBookkeeping } from '../../../functions/projectors/projectionStore.ts';
import { itemId, type ExpectedItems } from './expectedReadModels.ts';

export interface Difference {
  item: string;
  field: string;
  expected: unknown;
  actual: unknown;
}

async function scanAll(db: DynamoDBDocumentClient, tableName: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await db.send(
      new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Invoice orders are compared by id, in any order; everything else as it is. */
function actualField(item: Record<string, unknown>, field: string): unknown {
  if (field === 'orderIds') {
    return ((item.orders ?? []) as { orderId: number }[]).map((order) => order.orderId).sort((a, b) => a - b);
  }
  if (field === 'deleted') return item.deleted === true;
  return item[field];
}

export async function compareReadModel(
  db: DynamoDBDocumentClient,
  tableName: string,
  expected: ExpectedItems,
): Promise<Difference[]> {
  const differences: Difference[] = [];
  const actual = new Map(
    (await scanAll(db, tableName))
      .filter((item) => !isBookkeeping(item))
      .map((item) => [itemId(String(item.pk), String(item.sk)), item]),
  );
  for (const [id, fields] of expected) {
    const item = actual.get(id);
    if (!item) {
      differences.push({ item: id, field: '(item)', expected: 'present', actual: 'missing' });
      continue;
    }
    for (const [field, value] of Object.entries(fields)) {
      const found = actualField(item, field);
      if (JSON.stringify(found) !== JSON.stringify(value)) {
        differences.push({ item: id, field, expected: value, actual: found });
      }
    }
  }
  for (const id of actual.keys()) {
    if (!expected.has(id))
      differences.push({ item: id, field: '(item)', expected: 'absent', actual: 'present' });
  }
  return differences;
}
