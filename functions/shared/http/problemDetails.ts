// RFC 9457 problem details: the one format of every 4xx and 5xx the API answers, with the members
// the RFC defines (`type`, `title`, `status`, `detail`, `instance`) and the machine-readable ones of
// this API (`code`; `field` for the field that is wrong; `errors` when several are).
import { STATUS_CODES } from 'node:http';

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

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
  extras: { field?: string; errors?: ProblemDetails['errors']; instance?: string } = {},
): ProblemDetails {
  return {
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
