// Freshness: the time from a command's response to its effect being visible through the read API.
// A probe places an order for a customer nobody else uses, then reads that customer's lifetime value
// until the order shows; the reads go back to back, so the resolution is one read's latency.
import { timeBar } from './httpLoad.ts';

export interface FreshnessResult {
  probes: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const round = (ms: number) => Math.round(ms * 10) / 10;

async function probeOnce(baseUrl: string, customerId: number, productId: number): Promise<number> {
  const placed = await fetch(`${baseUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ customerId, items: [{ productId, quantity: 1 }] }),
  });
  const answered = performance.now();
  await placed.arrayBuffer();
  if (placed.status !== 201) throw new Error(`probe order answered ${placed.status}`);
  const deadline = answered + 30_000;
  while (performance.now() < deadline) {
    const read = await fetch(`${baseUrl}/api/analytics/customers/${customerId}/lifetime-value`);
    const body = (await read.json()) as { orderCount?: number };
    if (read.status === 200 && body.orderCount === 1) return performance.now() - answered;
    if (read.status !== 200 && read.status !== 404) throw new Error(`probe read answered ${read.status}`);
  }
  throw new Error(`customer ${customerId}'s order was not visible after 30 s`);
}

/** Probes one after another, `gapMs` apart, for `seconds`. */
export async function measureFreshness(options: {
  label: string;
  baseUrl: string;
  seconds: number;
  gapMs: number;
  /** each probe takes the next customer id from here */
  firstCustomerId: number;
  productId: number;
}): Promise<FreshnessResult> {
  const samples: number[] = [];
  let failed = 0;
  const bar = timeBar(options.label, options.seconds);
  const started = performance.now();
  let customerId = options.firstCustomerId;
  while (performance.now() - started < options.seconds * 1000) {
    try {
      samples.push(await probeOnce(options.baseUrl, customerId++, options.productId));
    } catch {
      failed++;
    }
    bar.update(Math.min(options.seconds, Math.floor((performance.now() - started) / 1000)), {
      requests: samples.length,
    });
    await new Promise((resolve) => setTimeout(resolve, options.gapMs));
  }
  bar.update(options.seconds, { requests: samples.length });
  bar.stop();
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    probes: samples.length,
    failed,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? 0),
  };
}
