// This API's description of itself: the OpenAPI document and an interactive reference (Swagger UI).
import { z } from 'zod';
import { operationContract } from '../shared/http/routeContract.ts';

export const openApiDocumentRoute = operationContract({
  operationId: 'getOpenApiDocument',
  method: 'GET',
  path: '/openapi.json',
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
