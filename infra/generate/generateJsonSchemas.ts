// `npm run events:schemas`: writes one JSON Schema per event type and version under events/schemas/,
// generated from the zod contracts (the single source). A test fails when the files are stale.
import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../terminal/commandLine.ts';
import { jsonSchemaFiles } from '../../events/jsonSchemas.ts';

parseCommandLine(
  { options: {} },
  'Usage: npm run events:schemas\n\nWrites the JSON Schema of every event type and version to events/schemas/.',
);

const directory = fileURLToPath(new URL('../../events/schemas', import.meta.url));
await mkdir(directory, { recursive: true });
for (const [fileName, content] of Object.entries(jsonSchemaFiles())) {
  await writeFile(`${directory}/${fileName}`, content);
}
console.log(`wrote ${Object.keys(jsonSchemaFiles()).length} schemas to events/schemas/`);
