// readYourWrites: a read the API answers `stale` (its read model was further behind than the API
// waits) is sent again, and the caller sees only the last answer.
import { describe, expect, it } from 'vitest';
import { createCommerceClient } from './src/index.ts';

/** A stand-in API: a command answers position 7; each read answers `stale` until `freshAfter` reads. */
function standIn(freshAfter: number) {
  const reads: (string | null)[] = [];
  const fetch = async (request: Request) => {
    if (request.method === 'POST') {
      return Response.json({ id: 1 }, { status: 201, headers: { 'X-Event-Position': '7' } });
    }
    reads.push(request.headers.get('X-Min-Position'));
    const fresh = reads.length >= freshAfter;
    return Response.json(fresh ? [{ id: 1, title: 'Learn CQRS', completed: false }] : [], {
      headers: { 'X-Consistency': fresh ? 'fresh' : 'stale' },
    });
  };
  return { fetch, reads };
}

describe('readYourWrites', () => {
  it('sends a stale read again until it is fresh', async () => {
    const api = standIn(3);
    const client = createCommerceClient({ baseUrl: 'http://api', readYourWrites: true, fetch: api.fetch });
    await client.POST('/todos', { body: { title: 'Learn CQRS' } });
    const { data, response } = await client.GET('/todos');
    expect(api.reads).toEqual(['7', '7', '7']);
    expect(response.headers.get('X-Consistency')).toBe('fresh');
    expect(data).toEqual([{ id: 1, title: 'Learn CQRS', completed: false }]);
  });

  it('gives up after readAttempts, with the last answer', async () => {
    const api = standIn(10);
    const client = createCommerceClient({
      baseUrl: 'http://api',
      readYourWrites: true,
      readAttempts: 2,
      fetch: api.fetch,
    });
    await client.POST('/todos', { body: { title: 'Learn CQRS' } });
    const { response } = await client.GET('/todos');
    expect(api.reads).toHaveLength(2);
    expect(response.headers.get('X-Consistency')).toBe('stale');
  });

  it('sends a read once when it waits for nothing, and without readYourWrites', async () => {
    const before = standIn(10);
    await createCommerceClient({ baseUrl: 'http://api', readYourWrites: true, fetch: before.fetch }).GET(
      '/todos',
    );
    expect(before.reads).toEqual([null]);
    const off = standIn(10);
    const client = createCommerceClient({ baseUrl: 'http://api', fetch: off.fetch });
    await client.POST('/todos', { body: { title: 'Learn CQRS' } });
    await client.GET('/todos');
    expect(off.reads).toEqual([null]);
  });
});
