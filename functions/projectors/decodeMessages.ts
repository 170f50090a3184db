// Turns an Amazon MQ batch into domain events; a message that is not a valid event is set aside to
// be parked, never retried.
import type { DomainEvent } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import type { ParkedEvent } from './applyBatch.ts';
import { headerText, type AmazonMqRabbitEvent } from './amazonMqEvent.ts';

export function decodeMessages(batch: AmazonMqRabbitEvent): {
  events: DomainEvent[];
  undecodable: ParkedEvent[];
} {
  const events: DomainEvent[] = [];
  const undecodable: ParkedEvent[] = [];
  for (const message of Object.values(batch.rmqMessagesByQueue).flat()) {
    const body = Buffer.from(message.data, 'base64').toString('utf8');
    const positionHeader = headerText(message.basicProperties.headers?.position);
    const described = {
      body,
      ...(positionHeader && Number.isFinite(Number(positionHeader))
        ? { position: Number(positionHeader) }
        : {}),
      ...(message.basicProperties.type ? { type: message.basicProperties.type } : {}),
    };
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      undecodable.push({ ...described, error: 'the message body is not JSON' });
      continue;
    }
    const parsed = parseStoredEvent(json);
    if (parsed.success) events.push(parsed.data);
    else {
      const issue = parsed.error.issues[0]!;
      undecodable.push({
        ...described,
        error: `schema: ${issue.path.join('.') || 'event'}: ${issue.message}`,
      });
    }
  }
  return { events, undecodable };
}
