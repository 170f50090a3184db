import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '../../functions/apiDocs/apiRoutes.ts';
import { openApiDocument } from '../../functions/apiDocs/openApiDocument.ts';
import { problemsOf } from '../../functions/apiDocs/sharedAnswers.ts';
import { routeKey } from '../../functions/shared/http/routeContract.ts';
import { apiClientFiles } from './apiClientFiles.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    const validator = new Validator();
    const result = await validator.validate(
      openApiDocument() as unknown as Parameters<typeof validator.validate>[0],
    );
    expect(result.errors ?? []).toEqual([]);
    expect(validator.version).toBe('3.1');
  });

  it('describes every route once, each with an operation id of its own', () => {
    const document = openApiDocument() as unknown as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    const described = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        route: `${method.toUpperCase()} ${path}`,
        operationId: operation.operationId,
      })),
    );
    expect(described.map(({ route }) => route).sort()).toEqual(apiRoutes.map(routeKey).sort());
    expect(new Set(described.map(({ operationId }) => operationId)).size).toBe(apiRoutes.length);
  });

  it('has examples that the routes’ own schemas accept', () => {
    for (const contract of apiRoutes) {
      for (const [name, example] of Object.entries(contract.bodyExamples ?? {})) {
        expect(contract.body!.safeParse(example).error, `${routeKey(contract)} body ${name}`).toBeUndefined();
      }
      for (const [status, response] of Object.entries(contract.responses)) {
        for (const [name, example] of Object.entries(response.examples ?? {})) {
          expect(
            response.body!.safeParse(example).error,
            `${routeKey(contract)} ${status} ${name}`,
          ).toBeUndefined();
        }
      }
    }
  });

  it('gives every protected route its 401 and every command its 422 and 503', () => {
    for (const contract of apiRoutes) {
      const problems = problemsOf(contract);
      if (contract.access !== 'public')
        expect(problems.get(401), routeKey(contract)).toContain('missing_token');
      if (contract.kind === 'command') {
        expect(problems.get(422)).toContain('idempotency_key_reused');
        expect(problems.get(503)).toContain('service_unavailable');
      }
      expect(problems.get(500)).toEqual(['internal_error']);
    }
  });
});

describe('the typed client’s generated files', () => {
  it('are current (run `npm run openapi`)', async () => {
    for (const [path, content] of Object.entries(await apiClientFiles())) {
      expect(await readFile(`${root}/${path}`, 'utf8'), path).toBe(content);
    }
  });
});
