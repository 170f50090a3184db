// The attacker holds query Lambdas with X-Min-Position. Before, any caller could send a position far
// beyond the event stream's head: the query waited the whole bound (2 s) for a position no command
// had answered, reading every checkpoint and the stream head every 10 ms with consistent reads, and
// the projectors share that concurrency. Now a position beyond the head is a 400 at once, and an
// honest wait reads ever less often (10 ms doubling to 160 ms).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAws } from '../support/localAwsForTests.ts';
import { countDynamoDbReads, type DynamoDbReads } from '../support/dynamoDbReads.ts';
import { callHandler } from '../support/lambdaEvents.ts';

type Handler = Parameters<typeof callHandler>[0];
/** the relay's head: transaction 5,000,000's first event */
const HEAD = 5_000_000_000;
/** the longest the header's format lets a caller ask for */
const FAR_BEYOND = '9999999999999999';
const WAIT_MS = 2_000;

let aws: Awaited<ReturnType<typeof startTestAws>>;
let listTodos: Handler;
let reads: DynamoDbReads;
/** GetItems a look at the directory's progress takes: the stream head and each partition's checkpoint */
let perLook = 0;

const todosAt = async (position: string) => {
  const started = performance.now();
  reads.reset();
  const answer = await callHandler(listTodos, {
    method: 'GET',
    path: '/todos',
    headers: { 'X-Min-Position': position },
  });
  // a look reads the head and the checkpoints; which table is live is kept a second apart
  return { ...answer, ms: performance.now() - started, looks: (reads.get - reads.liveTables) / perLook };
};

beforeAll(async () => {
  // signing in off: anyone may read (as `npm run dev`); the bound as it is by default
  aws = await startTestAws({ MAX_READ_WAIT_MS: String(WAIT_MS) });
  listTodos = (await import('../../functions/directory/query/listTodos.ts')).handler;
  perLook = 1 + (await import('../../functions/projectors/streams.ts')).streamsOf('directory').length;
  reads = countDynamoDbReads((await import('../../functions/shared/aws.ts')).dynamoDb());
  // the relay has published up to HEAD, and the directory has applied all of it
  const { writeStreamHead } = await import('../../functions/relay/streamHead.ts');
  await writeStreamHead({ headPosition: HEAD, headOccurredAt: null, publishedSequences: {} });
});

afterAll(async () => {
  await aws?.stop();
});

describe('X-Min-Position', () => {
  it('beyond the stream’s head is refused at once with a 400 problem naming the header', async () => {
    const answer = await todosAt(FAR_BEYOND);
    console.log(
      `[security] X-Min-Position ${FAR_BEYOND}: ${answer.statusCode} in ${Math.round(answer.ms)} ms, ${answer.looks} looks at the progress`,
    );
    expect(answer.statusCode).toBe(400);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'validation_failed', field: 'X-Min-Position' });
    expect(JSON.stringify(answer.body)).not.toMatch(/\n\s+at /);
    // one look at the head and the checkpoints, no wait
    expect(answer.ms).toBeLessThan(500);
    expect(answer.looks).toBeLessThanOrEqual(1);
  });

  it('within reach of the head but never applied, waits the bound reading ever less often', async () => {
    const answer = await todosAt(String(HEAD + 1));
    console.log(
      `[security] X-Min-Position head + 1: ${answer.statusCode} in ${Math.round(answer.ms)} ms, ${answer.looks} looks at the progress`,
    );
    expect([answer.statusCode, answer.headers['x-consistency']]).toEqual([200, 'stale']);
    expect(answer.ms).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(answer.ms).toBeLessThan(WAIT_MS + 500);
    // 10, 20, 40, 80, 160, then every 160 ms: about 17 looks at 2 s, where 10 ms polling made ~200
    expect(answer.looks).toBeLessThanOrEqual(20);
  });

  it('at or below the head answers at once, fresh', async () => {
    const answer = await todosAt(String(HEAD));
    expect([answer.statusCode, answer.headers['x-consistency']]).toEqual([200, 'fresh']);
    expect(answer.ms).toBeLessThan(500);
  });
});
