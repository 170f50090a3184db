/** What a route answers, before the middy stack serializes it. */
export interface HttpResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The response header that carries the position of a command's last event (read-your-writes). */
export const EVENT_POSITION_HEADER = 'X-Event-Position';
