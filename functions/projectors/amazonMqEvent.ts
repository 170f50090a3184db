// The event Lambda receives from an Amazon MQ for RabbitMQ event source mapping. @types/aws-lambda
// has no type for it; this follows the AWS documentation's example, which the local queue bridge
// (infra/local/queueBridge.ts) reproduces field for field.

/** A header value as Amazon MQ renders it: strings arrive as their UTF-8 bytes. */
export type AmazonMqHeaderValue = { bytes: number[] } | number | boolean | null;

export interface AmazonMqBasicProperties {
  contentType: string | null;
  contentEncoding: string | null;
  headers: Record<string, AmazonMqHeaderValue> | null;
  deliveryMode: number | null;
  priority: number | null;
  correlationId: string | null;
  replyTo: string | null;
  expiration: string | null;
  messageId: string | null;
  /** e.g. "Jan 1, 1970, 12:33:41 AM" */
  timestamp: string | null;
  type: string | null;
  userId: string | null;
  appId: string | null;
  clusterId: string | null;
  bodySize: number;
}

export interface AmazonMqRabbitMessage {
  basicProperties: AmazonMqBasicProperties;
  redelivered: boolean;
  /** the message body, base64 */
  data: string;
}

export interface AmazonMqRabbitEvent {
  eventSource: 'aws:rmq';
  eventSourceArn: string;
  /** keyed by `<queue>::<virtual host>`, e.g. `invoices::/` */
  rmqMessagesByQueue: Record<string, AmazonMqRabbitMessage[]>;
}

/**
 * The header that marks a parked event sent back through its projector's queue for a redrive
 * (functions/projectors/applyBatch.ts applies them by the redrive rule), as opposed to an event the
 * relay published.
 */
export const REDRIVE_HEADER = 'x-redrive';

export const queueKey = (queue: string, virtualHost = '/') => `${queue}::${virtualHost}`;

/** The queues a batch came from (one, from an event source mapping). */
export const queuesOf = (event: AmazonMqRabbitEvent): string[] =>
  Object.keys(event.rmqMessagesByQueue).map((key) => key.slice(0, key.lastIndexOf('::')));

/** Reads a string header (`{bytes: [...]}`) back into a string. */
export function headerText(value: AmazonMqHeaderValue | undefined): string | undefined {
  if (value && typeof value === 'object' && 'bytes' in value)
    return Buffer.from(value.bytes).toString('utf8');
  return value === undefined || value === null ? undefined : String(value);
}
