import type {
  AppendResult,
  EventFilter,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from '../../src/eventstore/event-store.js';
import type { Position } from '../../src/eventstore/position.js';

/**
 * An event store seen through a namespace: every stream id gets `<ns>.` in
 * front on the way in and loses it on the way out, and reads of the global
 * log see only the namespace's streams. It lets many test runs share one
 * EventStoreDB server, each as if it had the store to itself.
 */
export class NamespacedEventStore implements EventStore {
  readonly #inner: EventStore;
  readonly #prefix: string;

  constructor(inner: EventStore, namespace: string) {
    this.#inner = inner;
    this.#prefix = `${namespace}.`;
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    options?: { expectedRevision?: ExpectedRevision },
  ): Promise<AppendResult> {
    return this.#inner.append(this.#in(streamId), events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    return (await this.#inner.readStream(this.#in(streamId), options)).map(this.#out);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const inner = this.#inner;
    if (!inner.readStreams) {
      const each = await Promise.all(streamIds.map((id) => this.readStream(id)));
      return new Map(streamIds.map((id, i) => [id, each[i]!]));
    }
    const read = await inner.readStreams(streamIds.map((id) => this.#in(id)));
    return new Map(streamIds.map((id) => [id, (read.get(this.#in(id)) ?? []).map(this.#out)]));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const events = await this.#inner.readAll({ ...options, filter: this.#filter(options.filter) });
    return events.map(this.#out);
  }

  headPosition(filter?: EventFilter): Promise<Position | null> {
    return this.#inner.headPosition(this.#filter(filter));
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    return this.#inner.subscribeToAll(
      { ...handler, onEvents: (events) => handler.onEvents(events.map(this.#out)) },
      { ...options, filter: this.#filter(options.filter) },
    );
  }

  deleteStream(streamId: string): Promise<void> {
    return this.#inner.deleteStream(this.#in(streamId));
  }

  close(): Promise<void> {
    return this.#inner.close();
  }

  #in(streamId: string): string {
    return this.#prefix + streamId;
  }

  readonly #out = (event: RecordedEvent): RecordedEvent => ({
    ...event,
    streamId: event.streamId.slice(this.#prefix.length),
  });

  #filter(filter: EventFilter | undefined): EventFilter {
    const prefixes = filter?.streamPrefixes;
    return {
      streamPrefixes:
        prefixes && prefixes.length > 0 ? prefixes.map((p) => this.#prefix + p) : [this.#prefix],
    };
  }
}
