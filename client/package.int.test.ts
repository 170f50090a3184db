// The client as it is published: `npm pack` builds it (prepack), a project of its own installs the
// tarball, and Node imports it by its package name and calls an API with it.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const run = promisify(execFile);
const clientDirectory = fileURLToPath(new URL('.', import.meta.url));
let workDirectory: string;

afterAll(async () => {
  if (workDirectory) await rm(workDirectory, { recursive: true, force: true });
});

it('packs, installs and calls the API by its package name, with its token and read-your-writes', async () => {
  workDirectory = await mkdtemp(`${tmpdir()}/client-package-`);
  await run('npm', ['pack', '--silent', '--pack-destination', workDirectory], { cwd: clientDirectory });
  const [tarball] = (await readdir(workDirectory)).filter((name) => name.endsWith('.tgz'));
  const { stdout: listing } = await run('tar', ['tzf', `${workDirectory}/${tarball}`]);
  expect(listing.split('\n')).toEqual(
    expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/openapi.json']),
  );

  const consumer = `${workDirectory}/consumer`;
  await run('mkdir', ['-p', consumer]);
  await writeFile(
    `${consumer}/package.json`,
    JSON.stringify({ name: 'consumer', private: true, type: 'module' }),
  );
  await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `../${tarball}`], {
    cwd: consumer,
  });

  // a stand-in API: a command that answers its position, then a read that must carry it
  const seen: { method: string; authorization?: string; minPosition?: string }[] = [];
  const server = createServer((request, response) => {
    seen.push({
      method: request.method!,
      authorization: request.headers.authorization,
      minPosition: request.headers['x-min-position'] as string | undefined,
    });
    const created = request.method === 'POST';
    response
      .writeHead(created ? 201 : 200, {
        'Content-Type': 'application/json',
        ...(created && { 'X-Event-Position': '4000002' }),
      })
      .end(JSON.stringify(created ? { message: 'Todo created successfully.', id: 1 } : []));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await writeFile(
    `${consumer}/call.mjs`,
    `import { createCommerceClient } from '@cqrs-commerce/client';
const api = createCommerceClient({ baseUrl: ${JSON.stringify(baseUrl)}, token: 'a-token', readYourWrites: true });
const created = await api.POST('/todos', { body: { title: 'Learn CQRS' } });
const listed = await api.GET('/todos');
console.log(JSON.stringify({ created: created.data, listed: listed.data }));
`,
  );
  try {
    const { stdout } = await run(process.execPath, ['call.mjs'], { cwd: consumer });
    expect(JSON.parse(stdout)).toEqual({
      created: { message: 'Todo created successfully.', id: 1 },
      listed: [],
    });
  } finally {
    server.close();
  }
  expect(seen).toEqual([
    { method: 'POST', authorization: 'Bearer a-token', minPosition: undefined },
    { method: 'GET', authorization: 'Bearer a-token', minPosition: '4000002' },
  ]);
}, 120_000);
