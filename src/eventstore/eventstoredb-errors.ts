import {
  AccessDeniedError,
  CancelledError,
  convertToCommandError,
  DeadlineExceededError,
  InvalidArgumentError,
  isCommandError,
  MaxAppendSizeExceededError,
  NotLeaderError,
  StreamDeletedError,
  TimeoutError,
  UnavailableError,
  UnknownError,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import {
  DeliveryLedgerError,
  EventStoreUnavailableError,
  EventTooLargeError,
  NotFoundError,
  ValidationError,
  WrongExpectedRevisionError,
} from '../errors.js';
import { describeExpected, type ExpectedRevision } from './event-store.js';
import type { SerializedEvent } from './serialize.js';

/**
 * Where the store connects, for messages: the hosts of the connection string
 * without user name or password, e.g. `127.0.0.1:2113`.
 */
export function describeEndpoint(connectionString: string | undefined): string {
  if (connectionString === undefined) return 'EventStoreDB (client supplied by the caller)';
  const match = /^[a-z+]+:\/\/(?:[^@/?]*@)?([^/?]+)/i.exec(connectionString.trim());
  return `EventStoreDB at ${match?.[1] ?? 'an unreadable connection string'}`;
}

/**
 * A fault of the connection that the store noticed itself rather than the
 * client: the server ended a subscription, or never confirmed it.
 */
export class ConnectionFault extends Error {
  override readonly name = 'ConnectionFault';
}

/**
 * Faults after which the same call may succeed later: the node is down or
 * unreachable, shutting down, not the leader, or slower than the deadline.
 */
export function isTransient(fault: unknown): boolean {
  if (fault instanceof EventStoreUnavailableError || fault instanceof ConnectionFault) return true;
  const error = asCommandError(fault);
  if (!error) return false;
  return (
    error instanceof UnavailableError ||
    error instanceof CancelledError ||
    error instanceof DeadlineExceededError ||
    error instanceof TimeoutError ||
    error instanceof NotLeaderError ||
    error instanceof UnknownError
  );
}

/**
 * The append's own failures in our terms: the stream was not at the expected
 * revision, the append was over the server's size limit, or the stream was
 * deleted for good (tombstoned). Anything else is returned unchanged.
 */
export function toAppendError(
  error: unknown,
  streamId: string,
  expected: ExpectedRevision,
  serialized: readonly SerializedEvent[],
): unknown {
  if (error instanceof WrongExpectedVersionError) {
    const current = error.actualVersion;
    const actual = current === 'no_stream' ? 'no_stream' : Number(current);
    return new WrongExpectedRevisionError(streamId, describeExpected(expected), actual);
  }
  if (error instanceof MaxAppendSizeExceededError) {
    const size = serialized.reduce((sum, e) => sum + e.data.length + e.metadata.length, 0);
    const what = `append of ${serialized.length}`;
    return new EventTooLargeError(streamId, what, size, error.maxAppendSize);
  }
  if (error instanceof StreamDeletedError) {
    return new NotFoundError(`stream ${streamId} was deleted for good and takes no events`);
  }
  return error;
}

/**
 * Turns what the client threw into one of our errors; `doing` says what the
 * store was doing, e.g. `append to stream delivery-1`. Errors the caller
 * must handle itself (wrong expected version, stream not found) are mapped
 * before this; programming errors pass through unchanged.
 */
export function toStoreError(fault: unknown, endpoint: string, doing: string): unknown {
  if (fault instanceof DeliveryLedgerError) return fault;
  const error = asCommandError(fault) ?? fault;
  if (isTransient(error)) {
    const reason = (error as Error).message || (error as Error).name;
    return new EventStoreUnavailableError(
      `${endpoint} is unavailable: could not ${doing}: ${reason}`,
      error,
    );
  }
  if (error instanceof AccessDeniedError) {
    return new DeliveryLedgerError(
      'UNAUTHORIZED',
      `${endpoint} refused to ${doing}: the connection's user may not`,
      { cause: error },
    );
  }
  if (error instanceof InvalidArgumentError) {
    return new ValidationError(`${endpoint} refused to ${doing}: ${error.message}`);
  }
  if (error instanceof Error && /failed to discover/i.test(error.message)) {
    return new EventStoreUnavailableError(`${endpoint}: ${error.message}`, error);
  }
  return error;
}

/** Some calls (the server features probe) reject with the raw gRPC error. */
function asCommandError(error: unknown) {
  if (!(error instanceof Error)) return undefined;
  const converted = convertToCommandError(error);
  return isCommandError(converted) ? converted : undefined;
}
