// `npm run fixtures:generate -- --seed 42 --events 100000`: a large, coherent event stream made
// reproducibly from a seed number (same seed, same file, byte for byte). Written under
// events/fixtures/generated/, which git ignores.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { generateEvents } from '../../events/generatedStream.ts';

const usage = `Usage: npm run fixtures:generate -- [--seed N] [--events N] [--out FILE]

Writes N events (default 100000) generated from the seed (default 42) as NDJSON, to FILE or under
events/fixtures/generated/.`;
const { values } = parseCommandLine(
  {
    options: {
      seed: { type: 'string', default: '42' },
      events: { type: 'string', default: '100000' },
      out: { type: 'string' },
    },
  },
  usage,
);
const seed = Number(values.seed);
const count = Number(values.events);
if (!Number.isInteger(seed) || !Number.isInteger(count) || count < 1) {
  exitWithUsage(usage, '--seed and --events take whole numbers, --events at least 1');
}
const directory = fileURLToPath(new URL('../../events/fixtures/generated', import.meta.url));
await mkdir(directory, { recursive: true });
const out = values.out ?? `${directory}/seed-${seed}-${count}.ndjson`;
const file = createWriteStream(out);
for (const event of generateEvents(seed, count)) {
  if (!file.write(`${JSON.stringify(event)}\n`))
    await new Promise<void>((resolve) => file.once('drain', () => resolve()));
}
await new Promise<void>((resolve) => file.end(() => resolve()));
console.log(`wrote ${count} events to ${out}`);
