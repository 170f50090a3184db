// Turns an Amazon MQ batch into domain events; a message that is not a valid event is set aside to
// be parked, never retried. Redrives (parked events sent back through the queue) come apart from
// the published events, since they are applied by another rule.
import type { DomainEvent } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import type { ParkedEvent } from './applyBatch.ts';
import {
  REDRIVE_HEADER,
  headerText,
  type AmazonMqRabbitEvent,
  type AmazonMqRabbitMessage,
} from './amazonMqEvent.ts';

export interface DecodedMessages {
  events: DomainEvent[];
  undecodable: ParkedEvent[];
}

function decode(message: AmazonMqRabbitMessage, into: DecodedMessages): void {
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
    into.undecodable.push({ ...described, error: 'the message body is not JSON' });
    return;
  }
  const parsed = parseStoredEvent(json);
  if (parsed.success) into.events.push(parsed.data);
  else {
    const issue = parsed.error.issues[0]!;
    into.undecodable.push({
      ...described,
      error: `schema: ${issue.path.join('.') || 'event'}: ${issue.message}`,
    });
  }
}

export function decodeMessages(batch: AmazonMqRabbitEvent): DecodedMessages & { redrives: DecodedMessages } {
  const published: DecodedMessages = { events: [], undecodable: [] };
  const redrives: DecodedMessages = { events: [], undecodable: [] };
  for (const message of Object.values(batch.rmqMessagesByQueue).flat()) {
    const redrive = headerText(message.basicProperties.headers?.[REDRIVE_HEADER]) === 'true';
    decode(message, redrive ? redrives : published);
  }
  return { ...published, redrives };
}
