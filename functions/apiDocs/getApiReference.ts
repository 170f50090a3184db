// GET /docs: an interactive reference of the API, Swagger UI over /openapi.json. Its scripts and
// style sheet come from this API too (getApiReferenceAsset.ts), so it works without reaching a CDN.
import { httpHandler } from '../shared/http/httpHandler.ts';
import { REFERENCE_CACHE_CONTROL, referencePageRoute } from './api.ts';

// Relative addresses: the page works wherever the API is served (a stage path, a custom domain).
const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>cqrs-commerce API</title>
    <link rel="stylesheet" href="docs/swagger-ui.css">
  </head>
  <body>
    <div id="reference"></div>
    <script src="docs/swagger-ui-bundle.js"></script>
    <script src="docs/reference.js"></script>
  </body>
</html>
`;

/** What the page may load and run: its own scripts, styles and API, nothing from elsewhere. */
const PAGE_POLICY = {
  'default-src': "'none'",
  'script-src': "'self'",
  // Swagger UI sets style attributes
  'style-src': "'self' 'unsafe-inline'",
  'img-src': "'self' data:",
  'font-src': "'self' data:",
  'connect-src': "'self'",
  'base-uri': "'none'",
  'form-action': "'none'",
  'frame-ancestors': "'none'",
  // the middleware's defaults that would stop Swagger UI: it writes HTML into the page
  sandbox: false,
  'require-trusted-types-for': false,
  'trusted-types': false,
  'navigate-to': false,
  'report-to': false,
  'upgrade-insecure-requests': false,
} as const;

export const handler = httpHandler(
  referencePageRoute,
  async () => ({
    statusCode: 200,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': REFERENCE_CACHE_CONTROL },
    body: PAGE,
  }),
  { contentSecurityPolicy: PAGE_POLICY },
);
