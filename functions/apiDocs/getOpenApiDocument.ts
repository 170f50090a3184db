// GET /openapi.json: the API's OpenAPI 3.1 document, generated at the first request from the same
// contracts the other Lambdas parse with (apiRoutes.ts).
import { httpHandler } from '../shared/http/httpHandler.ts';
import { openApiDocumentRoute } from './api.ts';
import { openApiDocument } from './openApiDocument.ts';

let documentText: string | undefined;

export const handler = httpHandler(openApiDocumentRoute, async () => {
  documentText ??= JSON.stringify(openApiDocument());
  return {
    statusCode: 200,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' },
    body: documentText,
  };
});
