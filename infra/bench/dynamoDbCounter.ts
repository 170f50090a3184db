// An HTTP pass-through in front of dynalite that counts, per table and per part of the stack that
// called it, each request by its operation (X-Amz-Target), the items written and the write units
// they would take in DynamoDB: an item's units are ceil(size / 1 KB), its size approximated by
// DynamoDB's rules (attribute names plus values: strings and binaries by their bytes, numbers by
// their significant digits, lists and maps with their overhead). An update's size is the item's
// after the write, which the proxy reads back from dynalite itself (uncounted); a write to a table
// with global secondary indexes also takes units on each index whose key it writes.
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { addCount, type Counts } from './wireCounts.ts';

export interface AttributeValue {
  S?: string;
  N?: string;
  B?: string;
  BOOL?: boolean;
  NULL?: boolean;
  L?: AttributeValue[];
  M?: Record<string, AttributeValue>;
  SS?: string[];
  NS?: string[];
  BS?: string[];
}
export type Item = Record<string, AttributeValue>;

const numberSize = (number: string) => {
  const digits = number
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+|0+$/g, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
};

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return Buffer.from(value.B, 'base64').length;
  if (value.SS) return value.SS.reduce((sum, element) => sum + Buffer.byteLength(element), 0);
  if (value.NS) return value.NS.reduce((sum, element) => sum + numberSize(element), 0);
  if (value.BS) return value.BS.reduce((sum, element) => sum + Buffer.from(element, 'base64').length, 0);
  if (value.L) return 3 + value.L.reduce((sum, element) => sum + 1 + valueSize(element), 0);
  if (value.M) return 3 + Object.values(value.M).length + itemSize(value.M);
  return 1; // BOOL, NULL
}

/** An item's size in bytes as DynamoDB reckons it (approximately): names plus values. */
export const itemSize = (item: Item): number =>
  Object.entries(item).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + valueSize(value), 0);

/** Write units of one item's write: 1 KB each, at least one. */
export const writeUnits = (size: number) => Math.max(1, Math.ceil(size / 1024));

export interface IndexKeys {
  /** the attributes of the index's key */
  keys: string[];
  /** the index holds the whole item (ALL), not its keys only */
  wholeItem: boolean;
}

/** The attribute names an update expression names, its placeholders resolved. */
export function namesUpdated(expression: string, names: Record<string, string> = {}): Set<string> {
  // value placeholders (:v) are values, not names
  const tokens = expression.match(/(?<![:\w#])#?[A-Za-z_]\w*/g) ?? [];
  return new Set(tokens.map((token) => (token.startsWith('#') ? (names[token] ?? token) : token)));
}

export interface DynamoDbCounter {
  endpoint: string;
  /** resolves once every read-back of an updated item has been counted */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export interface DynamoDbCounterOptions {
  /** dynalite's endpoint */
  target: string;
  /** where the counts go */
  counts: Counts;
  /** who a table's requests are counted under (its projection) */
  tableLabel(table: string): string;
  /** each table's global secondary indexes */
  indexes: Record<string, readonly IndexKeys[]>;
  /** the part of the stack behind a connection from `clientPort` to the proxy's `port` */
  caller(clientPort: number, port: number): string;
}

interface WriteRequest {
  PutRequest?: { Item: Item };
  DeleteRequest?: { Key: Item };
}

export async function startDynamoDbCounter(options: DynamoDbCounterOptions): Promise<DynamoDbCounter> {
  const target = new URL(options.target);
  const { counts } = options;
  const pending = new Set<Promise<void>>();
  const callers = new WeakMap<Socket, string>();
  let port = 0;

  const send = (headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const outgoing = request(
        {
          host: target.hostname,
          port: target.port,
          method: 'POST',
          path: '/',
          headers: {
            ...Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'transfer-encoding')),
            host: target.host,
            'content-length': String(body.length),
          },
        },
        (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => chunks.push(chunk));
          answer.on('end', () =>
            resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: Buffer.concat(chunks) }),
          );
          answer.on('error', reject);
        },
      );
      outgoing.on('error', reject);
      outgoing.end(body);
    });

  /** Units of a write to `table` of `item` (after the write), on the table and its indexes. */
  const countWrite = (who: string, table: string, item: Item, keysWritten: (key: string) => boolean) => {
    const units = writeUnits(itemSize(item));
    addCount(counts, who, 'items written');
    addCount(counts, who, 'write units', units);
    for (const index of options.indexes[table] ?? []) {
      if (index.keys.every((key) => key in item) && index.keys.some(keysWritten)) {
        addCount(counts, who, 'index write units', index.wholeItem ? units : 1);
      }
    }
  };

  /** a delete takes the deleted item's units (at least one; its size is not known here) */
  const countDelete = (who: string) => {
    addCount(counts, who, 'items written');
    addCount(counts, who, 'write units');
  };

  const count = (
    headers: IncomingHttpHeaders,
    input: Record<string, unknown>,
    who: (table: string) => string,
  ) => {
    const operation = String(headers['x-amz-target'] ?? '').split('.')[1] ?? '?';
    const table = input.TableName as string | undefined;
    if (operation === 'BatchWriteItem' || operation === 'BatchGetItem') {
      const items = (input.RequestItems ?? {}) as Record<string, unknown>;
      for (const [name, requests] of Object.entries(items)) {
        addCount(counts, who(name), operation);
        if (operation !== 'BatchWriteItem') continue;
        for (const write of requests as WriteRequest[]) {
          if (write.PutRequest) countWrite(who(name), name, write.PutRequest.Item, () => true);
          else countDelete(who(name));
        }
      }
      return;
    }
    addCount(counts, who(table ?? '-'), operation);
    if (!table) return;
    if (operation === 'PutItem') countWrite(who(table), table, input.Item as Item, () => true);
    if (operation === 'DeleteItem') countDelete(who(table));
    if (operation === 'UpdateItem') {
      const updated = namesUpdated(
        String(input.UpdateExpression ?? ''),
        input.ExpressionAttributeNames as Record<string, string> | undefined,
      );
      // the size that counts is the item's after the write: read back, outside the count
      const readBack = send(
        { ...headers, 'x-amz-target': 'DynamoDB_20120810.GetItem' },
        Buffer.from(JSON.stringify({ TableName: table, Key: input.Key, ConsistentRead: true })),
      ).then(({ body }) => {
        const item = (JSON.parse(body.toString('utf8')) as { Item?: Item }).Item ?? (input.Key as Item);
        countWrite(who(table), table, item, (key) => updated.has(key));
      });
      const settled = readBack.catch(() => undefined).finally(() => pending.delete(settled));
      pending.add(settled);
    }
  };

  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      const caller = callers.get(incoming.socket) ?? '?';
      send(incoming.headers, body).then(
        (answer) => {
          outgoing.writeHead(answer.status, answer.headers).end(answer.body);
          // a write refused by its condition still takes its units in DynamoDB
          const refused = answer.status === 400 && answer.body.includes('ConditionalCheckFailed');
          if (answer.status !== 200 && !refused) return;
          try {
            const input = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
            count(incoming.headers, input, (table) => `${options.tableLabel(table)} · ${caller}`);
            if (refused)
              addCount(
                counts,
                `${options.tableLabel(String(input.TableName))} · ${caller}`,
                'conditions refused',
              );
          } catch {
            // not a JSON request: not one of the stack's
          }
        },
        (error: Error) => outgoing.writeHead(502).end(error.message),
      );
    });
  });
  server.on('connection', (socket: Socket) =>
    callers.set(socket, options.caller(socket.remotePort ?? 0, port)),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    async settled() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
