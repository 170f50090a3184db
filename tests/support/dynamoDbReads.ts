// Counts the DynamoDB reads a client sends, by what DynamoDB is asked (the request's X-Amz-Target):
// the GetItems, those of them that asked for a consistent read, and those that read a projection's live table
// (which liveTables.ts keeps a second per container): what a test of a read path's cost counts.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoDbReads {
  /** GetItem requests */
  get: number;
  /** of them, those with ConsistentRead */
  consistent: number;
  /** of them, those of a projection's live table record (`ROUTE` items: liveTables.ts) */
  liveTables: number;
  /** every request, of any kind */
  all: number;
  reset(): void;
}

export function countDynamoDbReads(client: DynamoDBDocumentClient): DynamoDbReads {
  const reads: DynamoDbReads = {
    get: 0,
    consistent: 0,
    liveTables: 0,
    all: 0,
    reset() {
      reads.get = 0;
      reads.consistent = 0;
      reads.liveTables = 0;
      reads.all = 0;
    },
  };
  client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers?: Record<string, string>; body?: unknown };
      reads.all += 1;
      if (request.headers?.['x-amz-target']?.endsWith('.GetItem')) {
        reads.get += 1;
        // a string, or the bytes of one, as the SDK's version serializes it
        const text =
          request.body instanceof Uint8Array ? new TextDecoder().decode(request.body) : request.body;
        const body = (typeof text === 'string' ? JSON.parse(text) : {}) as {
          ConsistentRead?: boolean;
          Key?: { pk?: { S?: string } };
        };
        if (body.ConsistentRead) reads.consistent += 1;
        if (body.Key?.pk?.S === 'ROUTE') reads.liveTables += 1;
      }
      return next(args);
    },
    { step: 'finalizeRequest', name: 'countDynamoDbReads' },
  );
  return reads;
}
