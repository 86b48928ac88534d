import {
  ANY,
  type AppendExpectedRevision,
  type Position as EsdbPosition,
  type EventData,
  type JSONType,
  jsonEvent,
  NO_STREAM,
  STREAM_EXISTS,
} from '@eventstore/db-client';
import { ValidationError } from '../errors.js';
import type { ExpectedRevision, JsonObject, NewEvent, RecordedEvent } from './event-store.js';
import type { Position } from './position.js';
import type { SerializedEvent } from './serialize.js';

/** An event as `@eventstore/db-client` reads it, from a stream or from `$all`. */
export interface EsdbRecordedEvent {
  readonly streamId: string;
  readonly id: string;
  readonly revision: bigint;
  readonly type: string;
  readonly created: Date;
  readonly isJson: boolean;
  readonly data: unknown;
  readonly metadata?: unknown;
  readonly position?: EsdbPosition;
}

/** Events of `$`-streams and `$`-types are the server's own (metadata, settings, stats, links). */
export function isSystemEvent(event: { readonly streamId: string; readonly type: string }) {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/** Both parts stay bigints: an EventStoreDB position is an unsigned 64-bit log offset. */
export function fromEsdbPosition(position: EsdbPosition): Position {
  return { commit: position.commit, prepare: position.prepare };
}

export function toEsdbPosition(position: Position): EsdbPosition {
  return { commit: position.commit, prepare: position.prepare };
}

/**
 * Our event as the client reads it back. Data that is not a JSON object
 * (written by another program) is wrapped rather than dropped: JSON values
 * as `{ value }`, bytes as `{ base64 }`.
 */
export function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    revision: Number(event.revision),
    position: fromEsdbPosition(event.position ?? { commit: 0n, prepare: 0n }),
    data: toJsonObject(event.data),
    metadata: event.metadata === undefined ? {} : toJsonObject(event.metadata),
    recordedAt: event.created,
  };
}

function toJsonObject(value: unknown): JsonObject {
  if (value instanceof Uint8Array) return { base64: Buffer.from(value).toString('base64') };
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return value as JsonObject;
  }
  return { value };
}

/** Our checked events as JSON events; their ids go through, so a retried append is idempotent. */
export function toEventData(events: readonly NewEvent[], serialized: readonly SerializedEvent[]) {
  return serialized.map(
    (checked, index): EventData =>
      jsonEvent({
        id: checked.id,
        type: checked.type,
        data: events[index]!.data as JSONType,
        metadata: (events[index]!.metadata ?? {}) as JSONType,
      }),
  );
}

export function toEsdbExpected(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  if (!Number.isSafeInteger(expected) || expected < 0) {
    throw new ValidationError(
      `expected a revision (a whole number from 0), got ${JSON.stringify(expected)}`,
      'expectedRevision',
    );
  }
  return BigInt(expected);
}
