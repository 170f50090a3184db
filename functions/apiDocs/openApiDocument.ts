// The OpenAPI 3.1 document of the HTTP API, generated from the routes' contracts (apiRoutes.ts) with
// zod-openapi: requests as the Lambdas parse them (zod's input side), answers as they serialize them,
// with what every route of a kind shares (sharedAnswers.ts).
import {
  createDocument,
  createSchema,
  type ZodOpenApiOperationObject,
  type ZodOpenApiResponseObject,
} from 'zod-openapi';
import packageJson from '../../package.json' with { type: 'json' };
import { documentedAs } from '../shared/http/fields.ts';
import { API_TAGS, type RouteContract } from '../shared/http/routeContract.ts';
import { apiRoutes } from './apiRoutes.ts';
import { problemResponse, problemsOf, requestHeaders, successHeaders } from './sharedAnswers.ts';

const JSON_MEDIA_TYPE = 'application/json';

function operationOf(contract: RouteContract): ZodOpenApiOperationObject {
  const parameters = {
    ...(contract.params && { path: contract.params }),
    ...(contract.query && { query: contract.query }),
    header: requestHeaders(contract),
  };
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, response] of Object.entries(contract.responses)) {
    responses[status] = {
      description: response.description,
      headers: successHeaders(contract),
      ...(response.body && {
        content: Object.fromEntries(
          (response.mediaTypes ?? [JSON_MEDIA_TYPE]).map((mediaType) => [
            mediaType,
            {
              schema: response.body!,
              ...(response.examples && { examples: namedExamples(response.examples) }),
            },
          ]),
        ),
      }),
    };
  }
  for (const [status, codes] of problemsOf(contract)) {
    responses[String(status)] = problemResponse(contract, status, codes);
  }
  return {
    operationId: contract.operationId,
    summary: contract.summary,
    ...(contract.description && { description: contract.description }),
    tags: [contract.tag],
    security: contract.access === 'public' ? [] : [{ bearerToken: [] }],
    // zod-openapi takes objects; a list's query is an object piped through a transform, which it reads
    requestParams: parameters as ZodOpenApiOperationObject['requestParams'],
    ...(contract.body && {
      requestBody: {
        required: true,
        content: {
          [JSON_MEDIA_TYPE]: {
            schema: contract.body,
            ...(contract.bodyExamples && { examples: namedExamples(contract.bodyExamples) }),
          },
        },
      },
    }),
    responses,
  };
}

const namedExamples = (examples: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(examples).map(([name, value]) => [name, { value }]));

/** The document, for these routes (all of the API's by default). */
export function openApiDocument(routes: readonly RouteContract[] = apiRoutes) {
  const paths: Record<string, Record<string, ZodOpenApiOperationObject>> = {};
  for (const contract of routes) {
    paths[contract.path] = {
      ...paths[contract.path],
      [contract.method.toLowerCase()]: operationOf(contract),
    };
  }
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'cqrs-commerce',
        version: packageJson.version,
        description:
          'A serverless CQRS commerce backend: commands write PostgreSQL and an event log, projectors keep DynamoDB read models, queries read them. Every error is RFC 9457 problem details (application/problem+json) with a stable `code`, and `field` when a field is wrong. Reads are eventually consistent: send a command’s X-Event-Position back as X-Min-Position to read your write. Where signing in is on, a bearer token’s subject owns the user it registers (one at most) and that user’s accounts, orders, invoices and lifetime value, and the todos it creates: a caller reads and changes only its own (403 otherwise; a list shows only its own), an administrator everything. The revenue analytics (product sales, category revenue, hourly sales) and sync-status answer administrators only, as does the deep health check (/health/dependencies); /health and this document are public.',
      },
      servers: [{ url: '/', description: 'where this document is served' }],
      tags: Object.entries(API_TAGS).map(([name, description]) => ({ name, description })),
      components: {
        securitySchemes: {
          bearerToken: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'JWT',
            description:
              'An access token of the issuer the stage trusts (a Cognito user pool in the cloud; `POST /token` of the local test issuer with LOCAL_AUTH=on)',
          },
        },
      },
      paths,
    },
    {
      // a schema zod cannot describe (oneOrMany's transform of unknown) is described as registered
      override: ({ zodSchema, jsonSchema, io }) => {
        const documented = documentedAs.get(zodSchema);
        if (!documented) return;
        const { schema, components } = createSchema(documented, { io });
        // rendered apart from the document, so a component it made would be a dangling $ref here
        if (Object.keys(components).length > 0) throw new Error('a oneOrMany item must not be a component');
        for (const key of Object.keys(jsonSchema)) delete (jsonSchema as Record<string, unknown>)[key];
        Object.assign(jsonSchema, schema);
      },
    },
  );
}
