import { EventTooLargeError, ValidationError } from '../errors.js';
import type { NewEvent } from './event-store.js';

/** The default largest event, data and metadata together: EventStoreDB's own limit. */
export const DEFAULT_MAX_EVENT_BYTES = 1024 * 1024;

export interface SerializedEvent {
  readonly id: string;
  readonly type: string;
  readonly data: string;
  readonly metadata: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks events and turns them into JSON text before anything is written, so
 * that a bad event fails the whole append and nothing of it is stored.
 */
export function serializeEvents(
  streamId: string,
  events: readonly NewEvent[],
  maxEventBytes: number,
): SerializedEvent[] {
  if (typeof streamId !== 'string' || streamId.length === 0) {
    throw new ValidationError('expected a non-empty stream id', 'streamId');
  }
  if (!Array.isArray(events) || events.length === 0) {
    throw new ValidationError('expected at least one event to append', 'events');
  }
  return events.map((event, index) => {
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new ValidationError(
        `expected a UUID, got ${JSON.stringify(event.id)}`,
        `events[${index}].id`,
      );
    }
    if (typeof event.type !== 'string' || event.type.length === 0) {
      throw new ValidationError('expected a non-empty event type', `events[${index}].type`);
    }
    const data = toJson(event.data, `events[${index}].data`);
    const metadata = toJson(event.metadata ?? {}, `events[${index}].metadata`);
    const size = Buffer.byteLength(data) + Buffer.byteLength(metadata);
    if (size > maxEventBytes) {
      throw new EventTooLargeError(streamId, event.type, size, maxEventBytes);
    }
    return { id: event.id.toLowerCase(), type: event.type, data, metadata };
  });
}

function toJson(value: unknown, path: string): string {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ValidationError('expected a JSON object', path);
  }
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new ValidationError(`cannot be written as JSON: ${(error as Error).message}`, path);
  }
}
