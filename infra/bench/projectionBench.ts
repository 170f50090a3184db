// Projection throughput: a backlog of generated events waits in the projector queues while the
// projectors are stopped (the stack is not running yet); the stack starts and they catch up. Then a
// projection is rebuilt from the same events in PostgreSQL. Both end compared, item by item, with an
// in-memory fold of the events.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import cliProgress from 'cli-progress';
import type pg from 'pg';
import type { DomainEvent } from '../../events/contracts.ts';
import { projectionNames, subscribes, type ProjectionName } from '../../functions/projectors/catalog.ts';
import { checkpointKey, type Checkpoint } from '../../functions/projectors/projection.ts';
import { allStreams, streamsOf, type Stream } from '../../functions/projectors/streams.ts';
import { projections } from '../../functions/projectors/projections.ts';
import { readLiveTable } from '../../functions/projectors/liveTables.ts';
import { rabbitPublisher } from '../../functions/relay/eventPublisher.ts';
import { numberEvents } from '../../functions/relay/sequencing.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';
import { compareReadModel } from '../operate/consistency/compareReadModels.ts';
import { itemId, type ExpectedItems } from '../operate/consistency/expectedReadModels.ts';
import { foldProjection } from '../operate/consistency/foldProjection.ts';
import { loadPublishedEvents } from './loadEventLog.ts';
import { rebuildProjection } from '../operate/rebuildProjection.ts';

const eventsFor = (projection: ProjectionName, events: readonly DomainEvent[]) =>
  events.filter((event) => subscribes(projection, event.type));

function countBar(label: string, total: number, unit: string) {
  const bar = new cliProgress.SingleBar(
    {
      format: `${label.padEnd(22)} [{bar}] {value}/{total} ${unit} | {speed} ${unit}/s`,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  const started = Date.now();
  bar.start(total, 0, { speed: 0 });
  return {
    update: (done: number) =>
      bar.update(done, { speed: Math.round(done / Math.max(0.001, (Date.now() - started) / 1000)) }),
    stop: () => bar.stop(),
  };
}

/** Puts the events in the event log as numbered and published: a rebuild reads them, the relay leaves them alone. */
export async function loadEventLog(pool: pg.Pool, events: readonly DomainEvent[]): Promise<void> {
  const bar = countBar('load event log', events.length, 'events');
  try {
    await loadPublishedEvents(pool, events, (loaded) => bar.update(loaded));
  } finally {
    bar.stop();
  }
}

/**
 * Publishes the events to the exchange as the relay would, with the numbers loadEventLog gives them,
 * to wait in the projector queues while the stack is down. With `only`, they carry only that
 * projection's numbers, and so reach its queues alone (a message goes where its numbers are:
 * brokerTopology.ts).
 */
export async function queueBacklog(
  rabbitmqUrl: string,
  exchange: string,
  events: readonly DomainEvent[],
  only?: ProjectionName,
): Promise<void> {
  const bar = countBar(`queue for ${only ?? 'all projections'}`, events.length, 'events');
  const publisher = rabbitPublisher(rabbitmqUrl, exchange);
  const ours = new Set((only ? streamsOf(only) : allStreams()).map((stream) => stream.name));
  const { sequences } = numberEvents(events);
  try {
    for (let start = 0; start < events.length; start += 1_000) {
      const slice = events.slice(start, start + 1_000);
      await publisher.publish(
        slice.map((event, index) => ({
          event,
          sequences: Object.fromEntries(
            Object.entries(sequences[start + index]!).filter(([stream]) => ours.has(stream)),
          ),
        })),
      );
      bar.update(start + slice.length);
    }
  } finally {
    await publisher.close();
    bar.stop();
  }
}

async function checkpointOf(table: string, stream: Stream): Promise<Checkpoint | undefined> {
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: table, Key: checkpointKey(stream.partition), ConsistentRead: true }),
  );
  return Item as Checkpoint | undefined;
}

export interface ProjectionFigure {
  events: number;
  seconds: number;
  perSecond: number;
  /** items that differ from the fold of the events (must be 0) */
  differences: number;
}

/** Items of the fold in the shape compareReadModel expects. */
function foldedItems(projection: ProjectionName, events: readonly DomainEvent[]): ExpectedItems {
  const folded = foldProjection(projections[projection], eventsFor(projection, events));
  const expected: ExpectedItems = new Map();
  for (const item of folded.items.values()) {
    expected.set(itemId(item.pk, item.sk), item as Record<string, unknown>);
  }
  return expected;
}

async function differencesFromFold(projection: ProjectionName, events: readonly DomainEvent[]) {
  const { table } = await readLiveTable(projection);
  return (await compareReadModel(dynamoDb(), table, foldedItems(projection, events))).length;
}

/**
 * Waits until every stream of each projector (one per partition) has applied its last event;
 * `startedAt` is when they could start.
 */
export async function measureCatchUp(
  events: readonly DomainEvent[],
  startedAt: number,
  names: readonly ProjectionName[] = projectionNames,
): Promise<Partial<Record<ProjectionName, ProjectionFigure>>> {
  const { heads } = numberEvents(events);
  const targets = names.map((projection) => ({
    projection,
    count: eventsFor(projection, events).length,
    streams: streamsOf(projection).map((stream) => ({ stream, last: heads[stream.name] ?? 0 })),
  }));
  const total = targets.reduce((sum, target) => sum + target.count, 0);
  const bar = countBar(`catch-up ${names.length === 1 ? names[0] : 'all'}`, total, 'events');
  const done = new Map<ProjectionName, number>();
  const progress = new Map<ProjectionName, number>();
  while (done.size < targets.length) {
    for (const target of targets) {
      if (done.has(target.projection)) continue;
      const table = (await readLiveTable(target.projection)).table;
      const applied = await Promise.all(
        target.streams.map(async ({ stream }) => (await checkpointOf(table, stream))?.sequence ?? 0),
      );
      const share = target.streams.reduce(
        (sum, { last }, index) => sum + applied[index]! / Math.max(1, last),
        0,
      );
      progress.set(target.projection, Math.round((target.count * share) / target.streams.length));
      if (target.streams.every(({ last }, index) => applied[index]! >= last))
        done.set(target.projection, Date.now());
    }
    bar.update([...progress.values()].reduce((sum, count) => sum + count, 0));
    if (Date.now() - startedAt > 30 * 60_000) throw new Error('the projectors did not catch up in 30 min');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  bar.stop();
  const figures: Partial<Record<ProjectionName, ProjectionFigure>> = {};
  for (const target of targets) {
    const seconds = (done.get(target.projection)! - startedAt) / 1000;
    figures[target.projection] = {
      events: target.count,
      seconds: Math.round(seconds * 10) / 10,
      perSecond: Math.round(target.count / seconds),
      differences: await differencesFromFold(target.projection, events),
    };
  }
  return figures;
}

/** Rebuilds `projector` from the event log; the figure is the backfill, without the switch's wait. */
export async function measureRebuild(
  pool: pg.Pool,
  prefix: string,
  projection: ProjectionName,
  events: readonly DomainEvent[],
): Promise<ProjectionFigure> {
  let bar: ReturnType<typeof countBar> | undefined;
  const started = Date.now();
  let backfilled = started;
  let count = 0;
  await rebuildProjection({
    pool,
    projection,
    prefix,
    onProgress: ({ phase, applied, total }) => {
      bar ??= countBar(`rebuild ${projection}`, total, 'events');
      bar.update(applied);
      if (phase === 'backfill') {
        backfilled = Date.now();
        count = applied;
      }
    },
  });
  bar?.stop();
  const seconds = (backfilled - started) / 1000;
  return {
    events: count,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(count / seconds),
    differences: await differencesFromFold(projection, events),
  };
}
