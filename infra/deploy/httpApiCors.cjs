// provider.httpApi.cors for serverless.yml: browsers may call the API only from the origins in the
// corsAllowedOrigins stage parameter (CORS_ALLOWED_ORIGINS locally), a comma-separated list; none by
// default. CommonJS because osls loads variable files with require().
const REQUEST_HEADERS = [
  'Authorization',
  'Content-Type',
  'Idempotency-Key',
  'X-Correlation-Id',
  'X-Min-Position',
];
// what a browser script may read of an answer besides the simple headers
const RESPONSE_HEADERS = [
  'X-Event-Position',
  'X-Correlation-Id',
  'X-Consistency',
  'X-Projection-Position',
  'X-Next-Cursor',
  'Idempotent-Replayed',
  'Retry-After',
  'WWW-Authenticate',
];

// serverless-offline (hapi) needs at least one origin: one that no browser can send (.invalid is reserved)
const NO_ORIGIN = 'https://cors-not-configured.invalid';

module.exports = async ({ resolveVariable }) => {
  const origins = String((await resolveVariable('self:custom.corsAllowedOrigins')) ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  // none: no CORS configuration at all in the cloud, so API Gateway answers no CORS headers
  const offline = process.argv.includes('offline');
  if (origins.length === 0 && !offline) return null;
  return {
    allowedOrigins: origins.length > 0 ? origins : [NO_ORIGIN],
    allowedHeaders: REQUEST_HEADERS,
    allowedMethods: ['GET', 'POST', 'PUT', 'DELETE'],
    exposedResponseHeaders: RESPONSE_HEADERS,
    maxAge: 600,
  };
};
