import { WrongExpectedRevisionError } from '../errors.js';
import {
  type AppendResult,
  describeExpected,
  type EventFilter,
  type EventStore,
  type ExpectedRevision,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
  type SubscriptionHandler,
} from './event-store.js';
import { matchesFilter } from './filter.js';
import { followLog, type LogPage, WakeupSignal } from './follow-log.js';
import { position } from './position.js';
import { DEFAULT_MAX_EVENT_BYTES, serializeEvents } from './serialize.js';

export interface InMemoryEventStoreOptions {
  /** @defaultValue 1 MiB */
  readonly maxEventBytes?: number;
}

/**
 * An event store that lives in the process's memory: for tests, and for a
 * library user who needs no history after the process ends.
 */
export class InMemoryEventStore implements EventStore {
  readonly #log: RecordedEvent[] = [];
  readonly #streams = new Map<string, RecordedEvent[]>();
  readonly #signal = new WakeupSignal();
  readonly #subscriptions = new Set<Subscription>();
  readonly #maxEventBytes: number;

  constructor(options: InMemoryEventStoreOptions = {}) {
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const serialized = serializeEvents(streamId, events, this.#maxEventBytes);
    const expected = options.expectedRevision ?? 'any';
    const stream = this.#streams.get(streamId) ?? [];
    const current = stream.length - 1;

    if (!revisionMatches(expected, current)) {
      const replay = sameEventsAt(
        stream,
        expected,
        serialized.map((e) => e.id),
      );
      if (replay) return replay;
      throw new WrongExpectedRevisionError(
        streamId,
        describeExpected(expected),
        current < 0 ? 'no_stream' : current,
      );
    }

    const recordedAt = new Date();
    const appended: RecordedEvent[] = [];
    for (const [index, event] of serialized.entries()) {
      const recorded: RecordedEvent = {
        id: event.id,
        streamId,
        type: event.type,
        revision: current + 1 + index,
        position: position(this.#log.length + 1),
        data: JSON.parse(event.data),
        metadata: JSON.parse(event.metadata),
        recordedAt,
      };
      this.#log.push(recorded);
      stream.push(recorded);
      appended.push(recorded);
    }
    this.#streams.set(streamId, stream);
    this.#signal.wake(appended);

    const last = stream[stream.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const stream = this.#streams.get(streamId) ?? [];
    const from = options.fromRevision ?? 0;
    const count = options.maxCount ?? Number.POSITIVE_INFINITY;
    return stream.slice(from, from + count);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    return new Map(streamIds.map((id) => [id, [...(this.#streams.get(id) ?? [])]]));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.#readPage(options.after ?? null, options.maxCount ?? 1000, options.filter).events;
  }

  async headPosition(filter?: EventFilter): Promise<RecordedEvent['position'] | null> {
    for (let i = this.#log.length - 1; i >= 0; i--) {
      const event = this.#log[i]!;
      if (this.#isLive(event) && matchesFilter(event.streamId, filter)) return event.position;
    }
    return null;
  }

  async countEvents(filter?: EventFilter): Promise<number> {
    let count = 0;
    for (const event of this.#log) {
      if (this.#isLive(event) && matchesFilter(event.streamId, filter)) count++;
    }
    return count;
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    const subscription = followLog(
      async (after, maxCount, filter) => this.#readPage(after, maxCount, filter),
      this.#signal,
      handler,
      { ...options, pollIntervalMs: 1000 },
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async deleteStream(streamId: string): Promise<void> {
    this.#streams.delete(streamId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#subscriptions.clear();
  }

  #isLive(event: RecordedEvent): boolean {
    const stream = this.#streams.get(event.streamId);
    return stream !== undefined && stream[event.revision] === event;
  }

  #readPage(
    after: RecordedEvent['position'] | null,
    maxCount: number,
    filter: EventFilter | undefined,
  ): LogPage {
    const events: RecordedEvent[] = [];
    const start = after === null ? 0 : Number(after.commit);
    let i = start;
    for (; i < this.#log.length && events.length < maxCount; i++) {
      const event = this.#log[i]!;
      if (this.#isLive(event) && matchesFilter(event.streamId, filter)) events.push(event);
    }
    const last = Math.min(i, this.#log.length) - 1;
    return { events, scannedTo: last < 0 ? null : this.#log[last]!.position };
  }
}

export function revisionMatches(expected: ExpectedRevision, current: number): boolean {
  if (expected === 'any') return true;
  if (expected === 'no_stream') return current < 0;
  if (expected === 'stream_exists') return current >= 0;
  return expected === current;
}

/** A retried append: the same event ids already stand right after the expected revision. */
function sameEventsAt(
  stream: readonly RecordedEvent[],
  expected: ExpectedRevision,
  ids: readonly string[],
): AppendResult | undefined {
  const start = expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : -1;
  if (start < 0) return undefined;
  const found = stream.slice(start, start + ids.length);
  if (found.length !== ids.length || found.some((event, i) => event.id !== ids[i])) {
    return undefined;
  }
  const last = found[found.length - 1]!;
  return { nextRevision: last.revision, position: last.position };
}
