/** What a route answers, before the middy stack serializes it. */
export interface HttpResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** the body is base64 (a gzipped asset); API Gateway decodes it */
  isBase64Encoded?: boolean;
}

/** The response header that carries the position of a command's last event (read-your-writes). */
export const EVENT_POSITION_HEADER = 'X-Event-Position';
