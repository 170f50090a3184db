// The contract test: every answer the end-to-end suites receive is held to the OpenAPI document
// (client/openapi.json), by Ajv, the JSON Schema validator, on draft 2020-12 as OpenAPI 3.1 uses it.
// An answer whose status the operation does not document, whose Content-Type is not the documented
// one, whose body does not match its schema or that lacks a required header fails the request at
// once. A request no route takes must get a problem details. (A CORS preflight, OPTIONS, is answered
// by API Gateway or serverless-offline, not by the API, and is not held to the document.)
import { readFileSync } from 'node:fs';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createCommerceClient, type CommerceClientOptions } from '../../client/src/index.ts';

interface MediaTypeObject {
  schema?: object;
}
interface HeaderObject {
  required?: boolean;
  schema?: object;
}
interface ResponseObject {
  content?: Record<string, MediaTypeObject>;
  headers?: Record<string, HeaderObject>;
}
interface Document {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, ResponseObject> }>>;
}

const DOCUMENT_ID = 'openapi.json';
const document = JSON.parse(
  readFileSync(new URL('../../client/openapi.json', import.meta.url), 'utf8'),
) as Document;

// strict off: OpenAPI's `example` and the document's own members are not JSON Schema keywords
const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats.default(ajv);
ajv.addSchema(document, DOCUMENT_ID);

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');
const validators = new Map<string, ValidateFunction>();
function validatorAt(pointer: string[]): ValidateFunction {
  const ref = `${DOCUMENT_ID}#/${pointer.map(escapePointer).join('/')}`;
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    validators.set(ref, validate);
  }
  return validate;
}

const operations = Object.entries(document.paths).map(([template, methods]) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  methods,
}));

function describeErrors(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .map((error) => `${error.instancePath || '(body)'} ${error.message}`)
    .join('; ');
}

/** What is wrong with this answer by the document, if anything. */
export function contractViolations(method: string, url: string, response: Response, text: string): string[] {
  if (method === 'OPTIONS') return [];
  const path = new URL(url).pathname;
  const problems: string[] = [];
  const contentType = response.headers.get('content-type')?.split(';')[0]?.trim();
  const body = () => (text === '' ? undefined : JSON.parse(text));

  const matched = operations.filter((operation) => operation.pattern.test(path));
  // a literal path wins over a template: /docs over /docs/{asset} and the like
  const operation = matched.find((candidate) => !candidate.template.includes('{')) ?? matched[0];
  const entry = operation?.methods[method.toLowerCase()];
  if (!operation || !entry) {
    // no route takes it: the fallback's 404 or 405, as problem details
    const validate = validatorAt(['components', 'schemas', 'Problem']);
    if (![404, 405].includes(response.status)) problems.push(`no route, yet ${response.status}`);
    if (contentType !== 'application/problem+json') problems.push(`no route, yet ${contentType}`);
    else if (!validate(body())) problems.push(describeErrors(validate));
    return problems;
  }

  const status = String(response.status);
  const documented = entry.responses[status];
  if (!documented) return [`${response.status} is not a documented answer of ${entry.operationId}`];
  const pointer = ['paths', operation.template, method.toLowerCase(), 'responses', status];

  for (const [name, header] of Object.entries(documented.headers ?? {})) {
    const value = response.headers.get(name);
    if (value === null) {
      if (header.required) problems.push(`header ${name} is missing`);
      continue;
    }
    const validate = validatorAt([...pointer, 'headers', name, 'schema']);
    if (!validate(value)) problems.push(`header ${name}: ${describeErrors(validate)}`);
  }

  if (!documented.content) {
    if (text !== '') problems.push(`a body, where ${entry.operationId} ${status} documents none`);
    return problems;
  }
  if (!contentType || !documented.content[contentType]) {
    return [...problems, `Content-Type ${contentType} is not documented for ${entry.operationId} ${status}`];
  }
  if (contentType.endsWith('json')) {
    const validate = validatorAt([...pointer, 'content', contentType, 'schema']);
    if (!validate(body())) problems.push(describeErrors(validate));
  }
  return problems;
}

export class ContractViolation extends Error {}

/**
 * fetch, with every answer held to the document: a violation throws, naming the request and what
 * is wrong. The answer comes back unread.
 */
export const contractFetch: typeof fetch = async (input, init) => {
  const request = new Request(input, init);
  const response = await fetch(request);
  const text = await response.clone().text();
  const problems = contractViolations(request.method, request.url, response, text);
  if (problems.length > 0) {
    throw new ContractViolation(
      `${request.method} ${request.url} → ${response.status} breaks the API document: ${problems.join('; ')}\n${text.slice(0, 500)}`,
    );
  }
  return response;
};

/** The typed client the end-to-end suites drive the API with, every answer checked. */
export const checkedClient = (options: CommerceClientOptions) =>
  createCommerceClient({ ...options, fetch: contractFetch });
