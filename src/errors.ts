/**
 * The error classes delivery-ledger throws. Each has a stable string `code`
 * that callers (and the HTTP API) can switch on; the message says what was
 * expected and what came instead.
 */
export type ErrorCode =
  | 'INVALID_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'WRONG_EXPECTED_REVISION'
  | 'EVENT_TOO_LARGE'
  | 'EVENT_STORE_UNAVAILABLE'
  | 'SERVICE_CLOSED'
  | 'UNAUTHORIZED';

export class DeliveryLedgerError extends Error {
  readonly code: ErrorCode;
  /** Whether retrying the same call later may succeed. */
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** Input that does not have the expected shape; nothing was written for it. */
export class ValidationError extends DeliveryLedgerError {
  /** Where in the input the problem is, e.g. `result.providerMessageId`. */
  readonly path: string | undefined;

  constructor(message: string, path?: string) {
    super('INVALID_INPUT', path ? `${path}: ${message}` : message);
    this.path = path;
  }
}

export class NotFoundError extends DeliveryLedgerError {
  constructor(message: string) {
    super('NOT_FOUND', message);
  }
}

/** The request contradicts what is already recorded (a message id sent twice differently). */
export class ConflictError extends DeliveryLedgerError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** An append found the stream at another revision than the caller expected. */
export class WrongExpectedRevisionError extends DeliveryLedgerError {
  readonly streamId: string;
  readonly expected: string;
  readonly actual: number | 'no_stream';

  constructor(streamId: string, expected: string, actual: number | 'no_stream') {
    super(
      'WRONG_EXPECTED_REVISION',
      `stream ${streamId}: expected revision ${expected}, but the stream is at ${actual}`,
      { retryable: true },
    );
    this.streamId = streamId;
    this.expected = expected;
    this.actual = actual;
  }
}

export class EventTooLargeError extends DeliveryLedgerError {
  constructor(streamId: string, eventType: string, size: number, limit: number) {
    super(
      'EVENT_TOO_LARGE',
      `event ${eventType} for stream ${streamId} is ${size} bytes; the store accepts at most ${limit}`,
    );
  }
}

/** The event store could not be reached or failed; the call may be retried. */
export class EventStoreUnavailableError extends DeliveryLedgerError {
  constructor(message: string, cause?: unknown) {
    super('EVENT_STORE_UNAVAILABLE', message, { cause, retryable: true });
  }
}

/** A request whose signature or credentials do not check out; nothing was written for it. */
export class UnauthorizedError extends DeliveryLedgerError {
  constructor(message: string) {
    super('UNAUTHORIZED', message);
  }
}

export class ServiceClosedError extends DeliveryLedgerError {
  constructor() {
    super('SERVICE_CLOSED', 'the delivery tracking service is closed');
  }
}
