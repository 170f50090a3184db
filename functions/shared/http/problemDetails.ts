// RFC 9457 problem details: the one format of every 4xx and 5xx the API answers, with the members
// the RFC defines (`type`, `title`, `status`, `detail`, `instance`) and the machine-readable ones of
// this API (`code`; `field` for the field that is wrong; `errors` when several are).
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The problem details as the OpenAPI document describes them; a route narrows `code` to its own. */
export const problemSchema = z
  .looseObject({
    type: z.literal('about:blank'),
    title: z.string().meta({ description: "the status's reason phrase" }),
    status: z.int().min(400).max(599),
    detail: z.string().meta({ description: 'what is wrong, for a person' }),
    instance: z.string().optional().meta({ description: 'the path asked' }),
    code: z.string().meta({ description: 'what is wrong, for a program: stable' }),
    field: z
      .string()
      .optional()
      .meta({ description: 'the field, parameter or header that is wrong: items[0].quantity' }),
    errors: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .optional()
      .meta({ description: 'every field that is wrong, when several are' }),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });

export interface ProblemDetails {
  /** `about:blank`: the status and `code` say what happened (RFC 9457, section 4.2.1) */
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  /** the path the problem occurred at */
  instance?: string;
  code: string;
  field?: string;
  errors?: readonly { field: string; message: string }[];
}

export function problemDetails(
  status: number,
  code: string,
  detail: string,
  extras: {
    field?: string;
    errors?: ProblemDetails['errors'];
    instance?: string;
    /** more members (RFC 9457 section 3.2); the standard ones win over a namesake */
    extensions?: Record<string, unknown>;
  } = {},
): ProblemDetails {
  return {
    ...extras.extensions,
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(extras.instance ? { instance: extras.instance } : {}),
    code,
    ...(extras.field ? { field: extras.field } : {}),
    ...(extras.errors?.length ? { errors: extras.errors } : {}),
  };
}
