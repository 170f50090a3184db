// This API's description of itself: the OpenAPI document and an interactive reference (Swagger UI).
import { z } from 'zod';
import { operationContract } from '../shared/http/routeContract.ts';

export const openApiDocumentRoute = operationContract({
  operationId: 'getOpenApiDocument',
  method: 'GET',
  path: '/openapi.json',
  handler: 'functions/apiDocs/getOpenApiDocument.ts',
  reads: [],
  tag: 'operations',
  summary: 'This document',
  description: 'OpenAPI 3.1, generated from the zod schemas the Lambdas parse with.',
  access: 'public',
  responses: { 200: { description: 'the OpenAPI document', body: z.looseObject({ openapi: z.string() }) } },
});

export const referencePageRoute = operationContract({
  operationId: 'getApiReference',
  method: 'GET',
  path: '/docs',
  handler: 'functions/apiDocs/getApiReference.ts',
  reads: [],
  tag: 'operations',
  summary: 'An interactive reference of this API',
  access: 'public',
  responses: {
    200: { description: 'the reference page (Swagger UI)', mediaTypes: ['text/html'], body: z.string() },
  },
});

export const referenceAssetRoute = operationContract({
  operationId: 'getApiReferenceAsset',
  method: 'GET',
  path: '/docs/{asset}',
  handler: 'functions/apiDocs/getApiReferenceAsset.ts',
  reads: [],
  // what the handler serves, read from its package (getApiReferenceAsset.ts)
  packageFiles: [
    'node_modules/swagger-ui-dist/swagger-ui-bundle.js',
    'node_modules/swagger-ui-dist/swagger-ui.css',
    'node_modules/swagger-ui-dist/package.json',
  ],
  tag: 'operations',
  summary: 'A script or style sheet of the reference page',
  access: 'public',
  params: z.object({ asset: z.string().meta({ example: 'swagger-ui-bundle.js' }) }),
  responses: {
    200: { description: 'the asset', mediaTypes: ['text/javascript', 'text/css'], body: z.string() },
  },
  errors: { 404: ['asset_not_found'] },
});

/** The page and its files change only with a deployment. */
export const REFERENCE_CACHE_CONTROL = 'public, max-age=3600';
