import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { httpEvent, lambdaContext, type HttpCall } from '../../../tests/support/lambdaEvents.ts';
import { settings } from '../config.ts';
import { logger } from '../logger.ts';
import { httpHandler } from './httpHandler.ts';
import { idParam } from './fields.ts';

vi.spyOn(logger, 'info').mockImplementation(() => undefined);
const loggedErrors = vi.spyOn(logger, 'error').mockImplementation(() => undefined);

const echo = httpHandler({ body: z.strictObject({ title: z.string().min(1) }) }, async ({ body }) => ({
  statusCode: 201,
  body,
}));

const failing = httpHandler({ body: z.strictObject({ title: z.string().min(1) }) }, async () => {
  throw new Error('secret detail');
});

const byId = httpHandler({ params: z.object({ id: idParam }) }, async ({ params }) => ({
  statusCode: 200,
  body: { id: params.id },
}));

type Route = typeof echo;

async function call(route: Route, request: Partial<HttpCall> & { isBase64Encoded?: boolean }) {
  const { isBase64Encoded = false, ...rest } = request;
  const event = { ...httpEvent({ method: 'POST', path: '/things', ...rest }), isBase64Encoded };
  const result = await route(event, lambdaContext());
  const headers = result.headers ?? {};
  const text = typeof result.body === 'string' ? result.body : '';
  return {
    statusCode: result.statusCode,
    headers,
    text,
    body: text ? (JSON.parse(text) as unknown) : undefined,
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('httpHandler', () => {
  it('answers the handler result as JSON', async () => {
    const answer = await call(echo, { body: { title: 'hello' } });
    expect(answer.statusCode).toBe(201);
    expect(answer.body).toEqual({ title: 'hello' });
    expect(answer.headers['Content-Type']).toBe('application/json');
  });

  it('accepts a JSON media type with parameters or a +json suffix, and a base64 body', async () => {
    const charset = { 'content-type': 'application/json; charset=utf-8' };
    expect((await call(echo, { body: { title: 'a' }, headers: charset })).statusCode).toBe(201);
    const vendor = { 'content-type': 'application/vnd.api+json' };
    expect((await call(echo, { body: { title: 'a' }, headers: vendor })).statusCode).toBe(201);
    const rawBody = Buffer.from('{"title":"b64"}').toString('base64');
    const answer = await call(echo, { rawBody, isBase64Encoded: true });
    expect(answer.body).toEqual({ title: 'b64' });
  });

  it('answers every error as RFC 9457 problem details, keeping the code and the field', async () => {
    const refused = await call(echo, { body: { title: '' } });
    expect(refused.headers['Content-Type']).toBe('application/problem+json');
    expect(refused.body).toEqual({
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: expect.any(String),
      instance: '/things',
      code: 'validation_failed',
      field: 'title',
    });
    const failed = await call(failing, { body: { title: 'x' } });
    expect(failed.headers['Content-Type']).toBe('application/problem+json');
    expect(failed.body).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'internal error',
      instance: '/things',
      code: 'internal_error',
    });
  });

  it('accepts a body of exactly MAX_BODY_BYTES and answers 413 above it', async () => {
    const fill = (bytes: number) => `{"title":"${'a'.repeat(bytes - '{"title":""}'.length)}"}`;
    expect((await call(echo, { rawBody: fill(settings.MAX_BODY_BYTES) })).statusCode).toBe(201);
    const tooLarge = await call(echo, { rawBody: fill(settings.MAX_BODY_BYTES + 1) });
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.body).toMatchObject({ code: 'payload_too_large' });
  });

  it('counts bytes, not characters, against MAX_BODY_BYTES', async () => {
    const rawBody = `{"title":"${'é'.repeat(settings.MAX_BODY_BYTES / 2)}"}`;
    expect(rawBody.length).toBeLessThan(settings.MAX_BODY_BYTES);
    expect((await call(echo, { rawBody })).statusCode).toBe(413);
  });

  it('answers 415 for a body that is not declared JSON', async () => {
    const answer = await call(echo, { rawBody: '{"title":"x"}', headers: { 'content-type': 'text/plain' } });
    expect(answer.statusCode).toBe(415);
    expect(answer.body).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('answers 400 malformed_json for broken JSON and body_required for no body', async () => {
    const broken = await call(echo, { rawBody: '{"title": ' });
    expect(broken.statusCode).toBe(400);
    expect(broken.body).toMatchObject({ code: 'malformed_json', field: 'body' });
    const empty = await call(echo, { rawBody: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toMatchObject({ code: 'body_required' });
  });

  it('answers 400 naming an invalid field', async () => {
    const answer = await call(echo, { body: { title: '' } });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed', field: 'title' });
  });

  it('answers 400 naming an unknown field', async () => {
    const answer = await call(echo, { body: { title: 'x', secretAdmin: true } });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed' });
    expect(JSON.stringify(answer.body)).toContain('secretAdmin');
  });

  it('lists every issue in details when there are several', async () => {
    const answer = await call(echo, { body: { title: 5, extra: 1 } });
    expect(answer.body).toMatchObject({ field: 'title', errors: [{ field: 'title' }, {}] });
  });

  it('validates path parameters', async () => {
    const ok = await call(byId, { method: 'GET', pathParameters: { id: '42' } });
    expect(ok).toMatchObject({ statusCode: 200, body: { id: 42 } });
    const bad = await call(byId, { method: 'GET', pathParameters: { id: '0' } });
    expect(bad).toMatchObject({
      statusCode: 400,
      body: { code: 'validation_failed', field: 'id' },
    });
  });

  it('answers a generic 500 that leaks nothing when the handler throws', async () => {
    loggedErrors.mockClear();
    const answer = await call(failing, { body: { title: 'x' } });
    expect(answer.statusCode).toBe(500);
    expect(answer.text).toBe(
      '{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"internal error",' +
        '"instance":"/things","code":"internal_error"}',
    );
    expect(loggedErrors).toHaveBeenCalledWith('unhandled error', expect.anything());
  });

  it('sends the security headers on success and on errors', async () => {
    const answers = [
      await call(echo, { body: { title: 'x' } }),
      await call(echo, { body: { title: '' } }),
      await call(echo, { rawBody: 'x', headers: { 'content-type': 'text/plain' } }),
      await call(failing, { body: { title: 'x' } }),
    ];
    for (const answer of answers) {
      expect(answer.headers['Strict-Transport-Security']).toMatch(/^max-age=\d+/);
      expect(answer.headers['X-Content-Type-Options']).toBe('nosniff');
      expect(answer.headers).not.toHaveProperty('Reporting-Endpoints');
      expect(answer.headers['X-Powered-By']).toBeUndefined();
    }
  });

  it('echoes a sane X-Correlation-Id on success and on errors', async () => {
    const headers = { 'X-Correlation-Id': 'client-req_1.2:3' };
    const ok = await call(echo, { body: { title: 'x' }, headers });
    expect(ok.headers['X-Correlation-Id']).toBe('client-req_1.2:3');
    const failed = await call(failing, { body: { title: 'x' }, headers });
    expect(failed.headers['X-Correlation-Id']).toBe('client-req_1.2:3');
  });

  it.each([undefined, 'has spaces', 'x'.repeat(129), 'semi;colon', ''])(
    'generates a fresh X-Correlation-Id when the request sends %j',
    async (offered) => {
      const headers: Record<string, string> = offered === undefined ? {} : { 'x-correlation-id': offered };
      const answer = await call(echo, { body: { title: 'x' }, headers });
      expect(answer.headers['X-Correlation-Id']).toMatch(UUID);
    },
  );

  it('generates a different id for each request', async () => {
    const first = await call(echo, { body: { title: 'x' } });
    const second = await call(echo, { body: { title: 'x' } });
    expect(first.headers['X-Correlation-Id']).not.toBe(second.headers['X-Correlation-Id']);
  });
});
