import type { Position } from './position.js';

/** A JSON object, as events carry it. */
export type JsonObject = { [key: string]: unknown };

/** An event to append. `id` makes a retried append idempotent. */
export interface NewEvent {
  /** A UUID; the same logical event must always get the same id. */
  readonly id: string;
  /** What happened, in the past tense: `SendRecorded`, `StatusChanged`, … */
  readonly type: string;
  readonly data: JsonObject;
  readonly metadata?: JsonObject;
}

/** An event as the store hands it back. */
export interface RecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly type: string;
  /** Zero-based place of the event in its stream. */
  readonly revision: number;
  /** Place of the event in the store's global log. */
  readonly position: Position;
  readonly data: JsonObject;
  readonly metadata: JsonObject;
  /** When the store committed the event. */
  readonly recordedAt: Date;
}

/**
 * What the caller expects of the stream before an append:
 * the revision of its last event, `no_stream`, `stream_exists` or `any`.
 */
export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface AppendResult {
  /** Revision of the last event now in the stream. */
  readonly nextRevision: number;
  /** Global position of the last event appended. */
  readonly position: Position;
}

export interface ReadStreamOptions {
  /** First revision to read. @defaultValue 0 */
  readonly fromRevision?: number;
  /** @defaultValue all */
  readonly maxCount?: number;
}

export interface EventFilter {
  /** Only events of streams whose id starts with one of these. */
  readonly streamPrefixes?: readonly string[];
}

export interface ReadAllOptions {
  /** Read the events after this position (exclusive). @defaultValue the start */
  readonly after?: Position | null;
  /** @defaultValue 1000 */
  readonly maxCount?: number;
  readonly filter?: EventFilter;
}

export interface SubscriptionHandler {
  /** Called with each batch in log order; the next batch waits for the returned promise. */
  onEvents(events: readonly RecordedEvent[]): void | Promise<void>;
  /** Called once, when the events that existed at subscription time have been handed over. */
  onCaughtUp?(): void;
  /** Called when the subscription ends because of a fault (not on `close()`). */
  onError?(error: Error): void;
}

export interface SubscribeOptions {
  /** Deliver the events after this position (exclusive). @defaultValue the start */
  readonly after?: Position | null;
  readonly filter?: EventFilter;
}

export interface Subscription {
  /** Resolves when catch-up is over and live delivery has begun. */
  readonly caughtUp: Promise<void>;
  close(): Promise<void>;
}

/**
 * The event store port: streams of events, each append atomic and checked
 * against an expected revision, and one global log that can be read and
 * followed from any position.
 */
export interface EventStore {
  /**
   * Appends events to a stream, all or none.
   * @throws WrongExpectedRevisionError when the stream is not at `expectedRevision`
   * (unless the very same events, by id, were already appended there).
   */
  append(
    streamId: string,
    events: readonly NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult>;

  /** Reads a stream forwards; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;

  /**
   * Reads several whole streams at once, where the store can do that in one
   * round trip; the result has every id asked for, with an empty array for a
   * stream that does not exist. Stores without it are read stream by stream.
   */
  readStreams?(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>>;

  /** Reads the global log forwards, one page. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;

  /** Position of the last event in the global log, null when the store is empty. */
  headPosition(filter?: EventFilter): Promise<Position | null>;

  /**
   * How many events the log holds (of the filter's streams), where the store
   * can tell cheaply; used for progress. Stores that cannot leave it out.
   */
  countEvents?(filter?: EventFilter): Promise<number>;

  /** Catches up from a position, then follows new events until closed. */
  subscribeToAll(handler: SubscriptionHandler, options?: SubscribeOptions): Subscription;

  /** Removes a stream and its events; later reads see no stream. */
  deleteStream(streamId: string): Promise<void>;

  close(): Promise<void>;
}

export function describeExpected(expected: ExpectedRevision): string {
  return typeof expected === 'number' ? String(expected) : expected;
}
