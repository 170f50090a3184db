// GET /docs/{asset}: the scripts and style sheet of the reference page. Swagger UI's files come from
// the swagger-ui-dist package (in this function's zip by serverless.yml's patterns); each goes
// gzipped to a client that takes it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { NotFoundError } from '../shared/errors.ts';
import type { HttpResponse } from '../shared/http/httpResponse.ts';
import { httpHandler } from '../shared/http/httpHandler.ts';
import { REFERENCE_CACHE_CONTROL, referenceAssetRoute } from './api.ts';

/** Starts Swagger UI on the document; a script of its own, as the page's policy runs no inline script. */
const START_SCRIPT = `window.ui = SwaggerUIBundle({
  url: new URL('openapi.json', document.baseURI).href,
  dom_id: '#reference',
  deepLinking: true,
  // a token typed into the page is forgotten with it, not kept in the browser's storage
  persistAuthorization: false,
  displayRequestDuration: true,
});
`;

interface Asset {
  contentType: string;
  read: () => string;
}

const swaggerUiFile = (name: string) => () =>
  // resolved from wherever this file runs: the bundle in the zip, or the source in a test
  readFileSync(new URL(import.meta.resolve(`swagger-ui-dist/${name}`)), 'utf8');

const ASSETS: Record<string, Asset> = {
  'swagger-ui-bundle.js': { contentType: 'text/javascript', read: swaggerUiFile('swagger-ui-bundle.js') },
  'swagger-ui.css': { contentType: 'text/css', read: swaggerUiFile('swagger-ui.css') },
  'reference.js': { contentType: 'text/javascript', read: () => START_SCRIPT },
};

const loaded = new Map<string, { text: string; gzipped: string }>();

export const handler = httpHandler(referenceAssetRoute, async ({ params, headers }) => {
  const asset = Object.hasOwn(ASSETS, params.asset) ? ASSETS[params.asset] : undefined;
  if (!asset) throw new NotFoundError('asset_not_found', `the reference has no ${params.asset}`, 'asset');
  let files = loaded.get(params.asset);
  if (!files) {
    const text = asset.read();
    files = { text, gzipped: gzipSync(text).toString('base64') };
    loaded.set(params.asset, files);
  }
  const gzip = /\bgzip\b/.test(headers['accept-encoding'] ?? '');
  const response: HttpResponse = {
    statusCode: 200,
    headers: {
      'Content-Type': `${asset.contentType}; charset=utf-8`,
      'Cache-Control': REFERENCE_CACHE_CONTROL,
      Vary: 'Accept-Encoding',
      ...(gzip && { 'Content-Encoding': 'gzip' }),
    },
    body: gzip ? files.gzipped : files.text,
    ...(gzip && { isBase64Encoded: true }),
  };
  return response;
});
