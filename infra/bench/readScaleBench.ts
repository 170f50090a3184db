// Reads at scale: does a read cost its page, whatever the data? The read models are filled with the
// generated stream up to 10,000, 100,000 and 1,000,000 orders (each tier on top of the last), and at
// each tier every list is read in every order it accepts, its first page and a page deep in the list
// (from a cursor at about its middle), with an invoice and the analytics reads, each many times, one
// at a time, through the stack's HTTP API. The medians at the largest tier should stay within 1.5×
// of the smallest's.
//
// The items are written the way a projector writes them (applyEvent, then writeItems, into the live
// tables), from the events in memory rather than through the broker: a million orders through the
// commands would take hours here, and what is measured is the reads. Events are applied in large
// chunks, so an aggregate item (a product's stock, an hour's sales) is written once a chunk.
import type { DomainEvent } from '../../events/contracts.ts';
import { generateEvents, seededRandom } from '../../events/generatedStream.ts';
import { listIndex, listKeys, type ListedKind } from '../../functions/directory/listOrder.ts';
import { encodeCursor } from '../../functions/directory/query/listCursor.ts';
import { applyEvent, type ItemState, type StoredItem } from '../../functions/projectors/applyEvent.ts';
import { projectionNames, subscribes, type ProjectionName } from '../../functions/projectors/catalog.ts';
import { keyString } from '../../functions/projectors/projection.ts';
import { projections } from '../../functions/projectors/projections.ts';
import { writeItems } from '../../functions/projectors/readItems.ts';
import { readLiveTable } from '../../functions/projectors/liveTables.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';

/** Events applied per round of writes: large, as a projector's batches are under a backlog. */
const CHUNK_EVENTS = 100_000;
/** Each read is timed this many times; the figure is the median. */
const REPEATS = 21;
const PAGE = 10;
/** Rows of each listed kind kept to find a key about the middle of its lists. */
const SAMPLE = 2_001;

export interface ScaleTier {
  orders: number;
  events: number;
  /** seconds the tier's items took to write */
  loadSeconds: number;
  /** the median milliseconds of each read */
  p50Ms: Record<string, number>;
}

/** Which lists there are, their route, kind and every order they accept (the contracts' columns). */
const LISTS: { path: string; kind: ListedKind; columns: string[] }[] = [
  { path: '/order-service/orders', kind: 'ORDER', columns: ['id', 'user_id', 'amount', 'created_at'] },
  { path: '/system-api/users', kind: 'USER', columns: ['id', 'name', 'email', 'created_at'] },
  {
    path: '/system-api/accounts',
    kind: 'ACCOUNT',
    columns: ['id', 'user_id', 'city', 'state', 'zip', 'created_at'],
  },
  { path: '/users', kind: 'USER', columns: ['id'] },
  { path: '/todos', kind: 'TODO', columns: ['id'] },
];
/** The attribute a list in this order is sorted on: `id`, or the column's sort slot (listOrder.ts). */
const slotOf = (kind: ListedKind, column: string) => listIndex(kind, 'kind', column).sortAttribute;

/** The read models in the making: what later events may still change, and samples of the rows. */
class ReadModels {
  private readonly state = new Map<ProjectionName, ItemState>(
    projectionNames.map((name) => [name, new Map()]),
  );
  private readonly random = seededRandom(7);
  readonly samples = new Map<ListedKind, Record<string, unknown>[]>();
  private seen = new Map<ListedKind, number>();
  readonly products = new Set<number>();
  readonly categories = new Set<string>();
  readonly customers: number[] = [];
  invoices: { userId: number; year: number; month: number }[] = [];
  lastHour = '';

  /** Applies `events` and writes every item they changed into the live tables. */
  async apply(events: readonly DomainEvent[]): Promise<void> {
    for (const name of projectionNames) {
      const state = this.state.get(name)!;
      const changed = new Map<string, StoredItem>();
      for (const event of events) {
        if (!subscribes(name, event.type)) continue;
        const result = applyEvent(projections[name], state, event);
        if (result.outcome === 'applied')
          for (const item of result.changed) changed.set(keyString(item), item);
      }
      for (const item of changed.values()) this.observe(name, item);
      await writeItems(dynamoDb(), (await readLiveTable(name)).table, [...changed.values()], []);
      this.forgetSettled(name, events.at(-1)!.occurredAt);
    }
  }

  /** Keeps a uniform sample of the listed rows (reservoir), and what the reads will ask for. */
  private observe(projection: ProjectionName, item: StoredItem) {
    if (projection === 'directory' && typeof item.kind === 'string' && 'kindShard' in item) {
      const kind = item.kind as ListedKind;
      const seen = (this.seen.get(kind) ?? 0) + 1;
      this.seen.set(kind, seen);
      const sample = this.samples.get(kind) ?? [];
      this.samples.set(kind, sample);
      const keys = { id: item.id, ...listKeys(item as never) };
      if (sample.length < SAMPLE) sample.push(keys);
      else if (this.random() < SAMPLE / seen) sample[Math.floor(this.random() * SAMPLE)] = keys;
    }
    if (projection === 'analytics') {
      if (item.pk.startsWith('PRODUCT#')) this.products.add(Number(item.pk.slice(8)));
      if (item.pk.startsWith('CATEGORY#')) this.categories.add(item.pk.slice(9));
      if (item.pk.startsWith('CUSTOMER#') && this.customers.length < 10_000) {
        this.customers.push(Number(item.pk.slice(9)));
      }
      if (item.pk.startsWith('HOUR#')) this.lastHour = item.pk.slice(5);
    }
    if (projection === 'invoices' && item.sk.startsWith('INVOICE#')) {
      const { userId, year, month } = item as unknown as { userId: number; year: number; month: number };
      if (this.invoices.length < 10_000) this.invoices.push({ userId, year, month });
    }
  }

  /**
   * Forgets what no later event can change, so that a million orders fit in memory: orders (written
   * once), invoices of months gone by and hours gone by (the stream's time only moves forward).
   */
  private forgetSettled(projection: ProjectionName, now: string) {
    const state = this.state.get(projection)!;
    const month = `INVOICE#${now.slice(0, 7)}`;
    const hour = `HOUR#${now.slice(0, 13)}`;
    for (const [key, item] of state) {
      if (
        (projection === 'directory' && item.sk === 'ORDER') ||
        (projection === 'invoices' && item.sk.startsWith('INVOICE#') && item.sk < month) ||
        (projection === 'analytics' && item.pk.startsWith('HOUR#') && item.pk < hour)
      ) {
        state.delete(key);
      }
    }
  }

  /** A cursor to a page about the middle of a list: after the sampled rows' median key. */
  middleCursor(kind: ListedKind, column: string, descending: boolean): string | undefined {
    const slot = slotOf(kind, column);
    const keys = (this.samples.get(kind) ?? []).map((row) => row[slot]).filter((key) => key !== undefined);
    if (keys.length === 0) return undefined;
    const sorted = [...keys].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    const after = sorted[Math.floor(sorted.length / 2)] as string | number;
    return encodeCursor({ kind, order: `${descending ? '-' : ''}${column}`, after });
  }
}

async function timed(url: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`);
  return performance.now() - started;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Every read of a tier, by name, and the URL it requests. */
function readsOf(models: ReadModels, baseUrl: string): [string, string][] {
  const random = seededRandom(11);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const reads: [string, string][] = [];
  for (const { path, kind, columns } of LISTS) {
    for (const column of columns) {
      for (const descending of [false, true]) {
        const order = `${descending ? '-' : ''}${column}`;
        reads.push([
          `${path}?order_by=${order} first page`,
          `${baseUrl}${path}?order_by=${order}&limit=${PAGE}`,
        ]);
        const cursor = models.middleCursor(kind, column, descending);
        if (cursor)
          reads.push([
            `${path}?order_by=${order} cursor page mid-list`,
            `${baseUrl}${path}?limit=${PAGE}&cursor=${cursor}`,
          ]);
      }
    }
  }
  const invoice = pick(models.invoices);
  reads.push([
    'GET /invoice-service/invoices?user_id&month&year',
    `${baseUrl}/invoice-service/invoices?user_id=${invoice.userId}&month=${invoice.month}&year=${invoice.year}`,
  ]);
  reads.push([
    'GET /api/analytics/products/{id}/sales',
    `${baseUrl}/api/analytics/products/${pick([...models.products])}/sales`,
  ]);
  reads.push([
    'GET /api/analytics/categories/{category}/revenue',
    `${baseUrl}/api/analytics/categories/${encodeURIComponent(pick([...models.categories]))}/revenue`,
  ]);
  reads.push([
    'GET /api/analytics/customers/{id}/lifetime-value',
    `${baseUrl}/api/analytics/customers/${pick(models.customers)}/lifetime-value`,
  ]);
  reads.push([
    'GET /api/analytics/hours/{hour}/sales',
    `${baseUrl}/api/analytics/hours/${models.lastHour}/sales`,
  ]);
  return reads;
}

/**
 * Fills the read models to each tier of orders in turn and times every read at each; `onTier` is
 * told each tier's figures as they come.
 */
export async function measureReadScale(
  baseUrl: string,
  tiers: readonly number[],
  log: (line: string) => void = console.log,
): Promise<ScaleTier[]> {
  const models = new ReadModels();
  const stream = generateEvents(19, Number.MAX_SAFE_INTEGER);
  const results: ScaleTier[] = [];
  let orders = 0;
  let events = 0;
  for (const target of tiers) {
    const started = Date.now();
    while (orders < target) {
      const chunk: DomainEvent[] = [];
      while (chunk.length < CHUNK_EVENTS && orders < target) {
        const event = stream.next().value as DomainEvent;
        chunk.push(event);
        if (event.type === 'order.created') orders++;
      }
      events += chunk.length;
      await models.apply(chunk);
      log(
        `read scale: ${orders.toLocaleString('en')} orders written (${events.toLocaleString('en')} events)`,
      );
    }
    const loadSeconds = Math.round((Date.now() - started) / 100) / 10;
    const reads = readsOf(models, baseUrl);
    // once each unmeasured: every Lambda loaded, every route warm
    for (const [, url] of reads) await timed(url);
    // Round robin, each read once a round: a pause of the machine's (a garbage collection in dynalite
    // or in this process, which holds the tier's items) costs every read one sample, not one read its
    // median. Timed one read after another, a million orders' run gave four reads of 69 medians of
    // 93 to 316 ms between neighbours of 11 to 15 ms.
    const times = new Map(reads.map(([name]) => [name, [] as number[]]));
    for (let repeat = 0; repeat < REPEATS; repeat++) {
      for (const [name, url] of reads) times.get(name)!.push(await timed(url));
    }
    const p50Ms: Record<string, number> = {};
    for (const [name, samples] of times) p50Ms[name] = Math.round(median(samples) * 10) / 10;
    results.push({ orders, events, loadSeconds, p50Ms });
    log(`read scale: ${orders.toLocaleString('en')} orders measured`);
  }
  return results;
}
