// `npm run openapi`: writes the OpenAPI document and the typed client's types into client/.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { parseCommandLine } from '../terminal/commandLine.ts';
import { apiClientFiles } from './apiClientFiles.ts';

parseCommandLine(
  { options: {} },
  'Usage: npm run openapi\n\nWrites client/openapi.json and client/src/schema.ts from the routes\u2019 contracts.',
);

const root = fileURLToPath(new URL('../..', import.meta.url));
for (const [path, content] of Object.entries(await apiClientFiles())) {
  await writeFile(`${root}/${path}`, content);
  console.log(`wrote ${path}`);
}
