import type { RecordedEvent } from '../eventstore/event-store.js';
import { formatPosition } from '../eventstore/position.js';
import {
  DELIVERY_EVENT_TYPES,
  type DeliveryEvent,
  isStatusTransition,
} from '../machines/events.js';
import type { DeliveryState } from '../machines/state.js';
import type { StatusChange } from './change-feed.js';

/** The domain event a recorded event carries, or undefined for a type this version does not know. */
export function toDeliveryEvent(recorded: RecordedEvent): DeliveryEvent | undefined {
  if (!DELIVERY_EVENT_TYPES.has(recorded.type)) return undefined;
  return { type: recorded.type, data: recorded.data } as unknown as DeliveryEvent;
}

/** The status change an event makes, if it makes one. */
export function statusChangeOf(
  event: DeliveryEvent,
  recorded: RecordedEvent,
  after: DeliveryState,
): StatusChange | undefined {
  const position = formatPosition(recorded.position);
  if (event.type === 'SendRecorded') {
    return {
      messageId: after.messageId,
      providerId: after.providerId,
      previousStatus: null,
      status: event.data.status,
      changedAt: new Date(event.data.recordedAt),
      cause: 'send',
      position,
    };
  }
  if (isStatusTransition(event)) {
    return {
      messageId: after.messageId,
      providerId: after.providerId,
      previousStatus: event.data.from,
      status: event.data.to,
      changedAt: new Date(event.data.changedAt),
      cause: event.data.cause,
      ...(event.type === 'StatusSettledLate' && { settledLate: true }),
      position,
    };
  }
  return undefined;
}
