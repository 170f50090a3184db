// A message that can never apply, as it goes to the projectors' dead-letter queue with its reason.
import type { DomainEvent } from '../../events/contracts.ts';
import type { PoisonEventError } from './projection.ts';

export interface ParkedEvent {
  /** the message body as received */
  body: string;
  error: string;
  position?: number;
  type?: string;
}

export const parkedEvent = (event: DomainEvent, error: PoisonEventError): ParkedEvent => ({
  body: JSON.stringify(event),
  error: error.message,
  position: event.position,
  type: event.type,
});
