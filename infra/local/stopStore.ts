// `npm run dev:stop [-- --all]`: stops the read-model store `npm run dev` leaves running in the
// background (readSide.ts): the one of this stack (DATABASE_URL and RESOURCE_PREFIX, from the shell
// or .env), or with --all every one this checkout started. What it held is gone; the next
// `npm run dev` rebuilds the read models from the event log.
import { fileURLToPath } from 'node:url';
import { databaseUrl, settings } from '../../functions/shared/config.ts';
import { parseCommandLine } from '../terminal/commandLine.ts';
import { stopStore } from './store/localStore.ts';
import { stateFile, stateFiles } from './store/storeState.ts';

const { values } = parseCommandLine(
  { options: { all: { type: 'boolean', default: false } } },
  `Usage: npm run dev:stop [-- --all]

Stops the read-model store that npm run dev keeps running in the background for the database of
DATABASE_URL and RESOURCE_PREFIX; --all stops every one of this checkout. The next npm run dev
rebuilds the read models from the event log.`,
);

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const files = values.all
  ? await stateFiles(projectRoot)
  : [stateFile(projectRoot, await databaseUrl(), settings.RESOURCE_PREFIX)];
let stopped = 0;
for (const file of files) {
  const state = await stopStore(file);
  if (!state) continue;
  stopped++;
  console.log(
    `stopped the read-model store of ${state.database} (prefix ${state.prefix}, process ${state.pid})`,
  );
}
if (stopped === 0) console.log(values.all ? 'no store was running' : 'no store was running for this stack');
