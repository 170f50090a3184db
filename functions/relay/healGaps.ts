// Fills gaps in the projectors' streams from the event log. A message the broker lost, dropped after
// too many deliveries, or purged with its queue leaves its projector waiting for a number that will
// not come: the projector holds what arrives beyond it (its checkpoint says since when), or, when
// nothing follows, simply stops short of the stream's head. The relay, which runs on a schedule and
// after commands, sees both in the checkpoints and re-publishes the missing numbers to that stream's
// queue alone, with the numbers they had; a projector that already has them skips them.
import type pg from 'pg';
import { projectionNames, type ProjectionName } from '../projectors/catalog.ts';
import type { Checkpoint } from '../projectors/projection.ts';
import { streamsOf, type Stream } from '../projectors/streams.ts';
import type { EventPublisher } from './eventPublisher.ts';
import { occurredAtOf, readRelayProgress, readStream, toPublication } from './eventLog.ts';
import { projectorLag, type ProjectorLag } from './projectorLag.ts';

export interface StreamProgress {
  stream: string;
  /** the last number published in the stream */
  head: number;
  checkpoint: Checkpoint | undefined;
  /** messages waiting in the stream's queue, not yet delivered */
  queueDepth: number;
}

export interface HealOptions {
  /** how long a projector may stand still short of its stream's head before the gap is filled */
  healAfterMs: number;
  /** the most numbers re-published to one stream at a time */
  limit: number;
  /** fill whatever is missing now (the operator's command) */
  force?: boolean;
}

/** What the relay remembers between runs (per container: losing it only delays a heal). */
export interface HealMemory {
  /** per stream, the checkpoint sequence first seen short of the head, and when */
  stuck: Map<string, { sequence: number; since: number }>;
  /** per stream, the last range re-published, when, and whether the limit cut it short */
  healed: Map<string, { from: number; to: number; at: number; cut: boolean }>;
}

export const newHealMemory = (): HealMemory => ({ stuck: new Map(), healed: new Map() });

export interface HealedRange {
  stream: string;
  from: number;
  to: number;
  /** the limit cut the range short of what is missing */
  cut: boolean;
}

/** The range to re-publish to a stream now, if any. Pure; updates `memory`. */
export function gapToHeal(
  progress: StreamProgress,
  memory: HealMemory,
  now: number,
  options: HealOptions,
): HealedRange | undefined {
  const { stream, head, checkpoint } = progress;
  const applied = checkpoint?.sequence ?? 0;
  if (head <= applied) {
    memory.stuck.delete(stream);
    return undefined;
  }
  const seen = memory.stuck.get(stream);
  if (seen?.sequence !== applied) memory.stuck.set(stream, { sequence: applied, since: now });
  const stuckSince = memory.stuck.get(stream)!.since;

  const held = checkpoint?.heldCount ?? 0;
  // up to the first held event; if that is the very next one (held by a batch that failed half-way),
  // sending it again is what sets the projector going through the rest
  const end =
    held > 0 && checkpoint?.heldFrom !== undefined ? Math.max(checkpoint.heldFrom - 1, applied + 1) : head;
  const to = Math.min(end, applied + options.limit);
  const range = { stream, from: applied + 1, to, cut: to < end };
  if (options.force) return range;

  const last = memory.healed.get(stream);
  // the same range sent before still waits in the queue (the projector is failing): not again
  if (last?.from === range.from && progress.queueDepth > 0) return undefined;
  // the previous range arrived and was applied, and the limit had cut it short: go on at once
  const continuing = last !== undefined && last.cut && applied >= last.to;
  if (last && !continuing && now - last.at < options.healAfterMs) return undefined;
  // behind on a queue that still holds messages is a backlog (or a failing projector), not a gap
  if (held === 0 && progress.queueDepth > 0) return undefined;
  const waitingSince = held > 0 && checkpoint?.waitingSince ? Date.parse(checkpoint.waitingSince) : Infinity;
  if (continuing || now - Math.min(stuckSince, waitingSince) >= options.healAfterMs) return range;
  return undefined;
}

export interface HealDependencies {
  pool: pg.Pool;
  publisher: EventPublisher;
  readCheckpoint: (stream: Stream) => Promise<Checkpoint | undefined>;
  memory: HealMemory;
  now?: () => number;
  log?: (message: string, details: Record<string, unknown>) => void;
  /** told how far each projector looked at is behind, at every look (the relay emits it as metrics) */
  observeLag?: (lag: ProjectorLag) => void;
}

/**
 * Looks at every stream of every projection (or of those given), tells `observeLag` how far each is
 * behind, and re-publishes what is missing; returns what it sent.
 */
export async function healGaps(
  dependencies: HealDependencies,
  options: HealOptions,
  projections: readonly ProjectionName[] = projectionNames,
): Promise<HealedRange[]> {
  const { pool, publisher, memory } = dependencies;
  const now = dependencies.now ?? Date.now;
  const { publishedSequences } = await readRelayProgress(pool);
  const healed: HealedRange[] = [];
  for (const of of projections.flatMap((name) => streamsOf(name))) {
    const stream = of.name;
    const head = publishedSequences[stream] ?? 0;
    const checkpoint = await dependencies.readCheckpoint(of);
    if (dependencies.observeLag) {
      const applied = checkpoint?.sequence ?? 0;
      const oldest = head > applied ? await occurredAtOf(pool, stream, applied + 1) : undefined;
      dependencies.observeLag(projectorLag(stream, head, checkpoint, oldest, now()));
    }
    if (head <= (checkpoint?.sequence ?? 0)) {
      memory.stuck.delete(stream);
      continue;
    }
    const queueDepth = await publisher.queueDepth(stream);
    const range = gapToHeal({ stream, head, checkpoint, queueDepth }, memory, now(), options);
    if (!range) continue;
    const rows = await readStream(pool, stream, range);
    await publisher.republish(stream, rows.map(toPublication));
    memory.healed.set(stream, { from: range.from, to: range.to, at: now(), cut: range.cut });
    dependencies.log?.('re-published a gap from the event log', {
      projector: of.projection,
      stream,
      from: range.from,
      to: range.to,
      held: checkpoint?.heldCount ?? 0,
    });
    healed.push(range);
  }
  return healed;
}
