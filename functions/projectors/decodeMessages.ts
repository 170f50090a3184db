// Turns an Amazon MQ batch into the events of one projector's stream, each with its sequence number.
// A message that is not a valid event, or carries no sequence for this stream, is set aside to be
// parked, never retried, so it cannot block the projector. Redrives (parked events sent back through
// the queue) come apart from the published events, since they are applied by another rule.
import type { DomainEvent } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import type { ProjectorBatch, SequencedEvent } from './applyBatch.ts';
import type { ParkedEvent } from './parkedEvent.ts';
import {
  REDRIVE_HEADER,
  headerText,
  type AmazonMqRabbitEvent,
  type AmazonMqRabbitMessage,
} from './amazonMqEvent.ts';
import { sequenceHeader } from './streams.ts';

type Decoded = {
  event: DomainEvent;
  headers: NonNullable<AmazonMqRabbitMessage['basicProperties']['headers']>;
};

function decode(message: AmazonMqRabbitMessage): Decoded | ParkedEvent {
  const body = Buffer.from(message.data, 'base64').toString('utf8');
  const headers = message.basicProperties.headers ?? {};
  const positionHeader = headerText(headers.position);
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
    return { ...described, error: 'the message body is not JSON' };
  }
  const parsed = parseStoredEvent(json);
  if (parsed.success) return { event: parsed.data, headers };
  const issue = parsed.error.issues[0]!;
  return { ...described, error: `schema: ${issue.path.join('.') || 'event'}: ${issue.message}` };
}

/** A whole number from 1 up, or undefined. */
function sequenceOf(value: ReturnType<typeof headerText>): number | undefined {
  const sequence = Number(value);
  return value !== undefined && Number.isSafeInteger(sequence) && sequence >= 1 ? sequence : undefined;
}

export function decodeMessages(batch: AmazonMqRabbitEvent, stream: string): ProjectorBatch {
  const events: SequencedEvent[] = [];
  const undecodable: ParkedEvent[] = [];
  const redrives: DomainEvent[] = [];
  const undecodableRedrives: ParkedEvent[] = [];
  const header = sequenceHeader(stream);
  for (const message of Object.values(batch.rmqMessagesByQueue).flat()) {
    const redrive = headerText(message.basicProperties.headers?.[REDRIVE_HEADER]) === 'true';
    const decoded = decode(message);
    if (!('event' in decoded)) {
      (redrive ? undecodableRedrives : undecodable).push(decoded);
    } else if (redrive) {
      redrives.push(decoded.event);
    } else {
      const sequence = sequenceOf(headerText(decoded.headers[header]));
      if (sequence === undefined) {
        undecodable.push({
          body: JSON.stringify(decoded.event),
          error: `no valid ${header} header: not published by the relay for this stream`,
          position: decoded.event.position,
          type: decoded.event.type,
        });
      } else events.push({ sequence, event: decoded.event });
    }
  }
  return { events, undecodable, redrives, undecodableRedrives };
}
