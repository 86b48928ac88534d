import {
  EventStoreDBClient,
  excludeSystemEvents,
  START,
  StreamDeletedError,
  StreamNotFoundError,
  streamNameFilter,
  WrongExpectedVersionError,
} from '@eventstore/db-client';
import { EventStoreUnavailableError, ValidationError } from '../errors.js';
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
} from './event-store.js';
import { admitter } from './eventstoredb-admit.js';
import { withDeadline } from './eventstoredb-deadline.js';
import { describeEndpoint, toAppendError, toStoreError } from './eventstoredb-errors.js';
import {
  fromEsdbPosition,
  toEsdbExpected,
  toEsdbPosition,
  toEventData,
  toRecordedEvent,
} from './eventstoredb-events.js';
import { SubscriptionFeed } from './eventstoredb-feed.js';
import {
  collect,
  findHead,
  type OnCancel,
  readAllPage,
  readFilteredPage,
} from './eventstoredb-read.js';
import { type ResubscribeOptions, ResubscribingSubscription } from './eventstoredb-subscription.js';
import type { Position } from './position.js';
import { DEFAULT_MAX_EVENT_BYTES, serializeEvents } from './serialize.js';

export type { ResubscribeOptions } from './eventstoredb-subscription.js';

export interface EventStoreDbEventStoreOptions {
  /**
   * Where the node is, e.g. `esdb://127.0.0.1:2113?tls=false`. Give this or `client`.
   * The store then owns the client it makes and disposes of it on `close()`.
   */
  readonly connectionString?: string;
  /** A client the caller built (and disposes of); `close()` leaves it open. */
  readonly client?: EventStoreDBClient;
  /**
   * How long one call (an append, a read, a page of `$all`) may take before it
   * fails with a retryable `EventStoreUnavailableError`.
   * @defaultValue 10_000
   */
  readonly timeoutMs?: number;
  /**
   * The largest event (data and metadata as JSON), refused before anything is sent.
   * @defaultValue 1 MiB, the server's own default
   */
  readonly maxEventBytes?: number;
  /** How a subscription follows again after it drops. */
  readonly resubscribe?: ResubscribeOptions;
  /**
   * Leave the events of (soft-)deleted streams out of `readAll`, `headPosition`
   * and `subscribeToAll`, which EventStoreDB keeps in `$all` until a scavenge.
   * It costs one metadata read per stream per page; turn it off when streams
   * are never deleted.
   * @defaultValue true
   */
  readonly hideDeletedStreams?: boolean;
}

/** How many streams `readStreams` reads at once. */
const READ_STREAMS_AT_ONCE = 32;

/**
 * The event store on EventStoreDB, through `@eventstore/db-client` 6 over gRPC.
 * Subscriptions and filtered reads of `$all` wait for the server's `caughtUp`
 * message, which servers send from 23.10 on; the rest works with 20.10+.
 *
 * - Streams map one to one; our event ids are the EventStoreDB event ids, so
 *   the server treats a retried append of the same events as done.
 * - Positions are EventStoreDB's commit/prepare pair, both kept as bigints.
 * - Events of `$` streams and `$` types (the server's own) are never handed over.
 * - `deleteStream` is a soft delete: the stream then reads as missing, and a
 *   later append recreates it with revisions that continue after the deleted
 *   ones (unlike the in-memory and SQLite stores, which start again at 0).
 * - Every call has a deadline; faults of the connection surface as a
 *   retryable `EventStoreUnavailableError` naming the node.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly #client: EventStoreDBClient;
  readonly #ownsClient: boolean;
  readonly #endpoint: string;
  readonly #timeoutMs: number;
  readonly #maxEventBytes: number;
  readonly #resubscribe: ResubscribeOptions | undefined;
  readonly #hideDeleted: boolean;
  readonly #subscriptions = new Set<Subscription>();
  #closed = false;

  constructor(options: EventStoreDbEventStoreOptions) {
    const { connectionString, client } = options;
    if ((connectionString === undefined) === (client === undefined)) {
      const got = connectionString === undefined ? 'neither' : 'both';
      throw new ValidationError(`expected a connectionString or a client, got ${got}`);
    }
    this.#endpoint = describeEndpoint(connectionString);
    this.#client = client ?? connect(connectionString!);
    this.#ownsClient = client === undefined;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.#resubscribe = options.resubscribe;
    this.#hideDeleted = options.hideDeletedStreams ?? true;
  }

  async append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    const serialized = serializeEvents(streamId, events, this.#maxEventBytes);
    const expected = options.expectedRevision ?? 'any';
    const expectedRevision = toEsdbExpected(expected);
    const data = toEventData(events, serialized);

    const result = await this.#call(`append to stream ${streamId}`, async () => {
      try {
        return await this.#client.appendToStream(streamId, data, {
          expectedRevision,
          deadline: this.#timeoutMs,
        });
      } catch (error) {
        throw toAppendError(error, streamId, expected, serialized);
      }
    });

    const nextRevision = Number(result.nextExpectedRevision);
    // Servers before 22.6 answer an idempotent append without a position.
    const position = result.position
      ? fromEsdbPosition(result.position)
      : await this.#positionOf(streamId, nextRevision);
    return { nextRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const fromRevision = options.fromRevision ?? 0;
    const maxCount = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) {
      throw new ValidationError('expected a whole number from 0', 'fromRevision');
    }
    if (maxCount <= 0) return [];

    return this.#call(`read stream ${streamId}`, async (onCancel) => {
      const read = this.#client.readStream(streamId, {
        fromRevision: BigInt(fromRevision),
        maxCount,
      });
      try {
        const resolved = await collect(read, onCancel);
        return resolved.flatMap((r) => (r.event ? [toRecordedEvent(r.event)] : []));
      } catch (error) {
        if (error instanceof StreamNotFoundError) return [];
        throw error;
      }
    });
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const found = new Map<string, RecordedEvent[]>();
    // One read each, a few dozen at a time over the client's one connection.
    const ids = [...new Set(streamIds)];
    for (let start = 0; start < ids.length; start += READ_STREAMS_AT_ONCE) {
      const chunk = ids.slice(start, start + READ_STREAMS_AT_ONCE);
      const read = await Promise.all(
        chunk.map(async (id) => [id, await this.readStream(id)] as const),
      );
      for (const [id, events] of read) found.set(id, events);
    }
    return found;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const after = options.after ?? null;
    const maxCount = options.maxCount ?? 1000;
    const filter = options.filter;
    if (maxCount <= 0) return [];
    const admit = admitter(this.#client, filter, this.#hideDeleted);

    return this.#call('read the global log', (onCancel) => {
      if (!hasPrefixes(filter)) {
        return readAllPage(this.#client, admit, { after, maxCount, onCancel });
      }
      const feed = this.#openFeed(after, filter);
      onCancel(() => void feed.close());
      return readFilteredPage(feed, admit, { after, maxCount });
    });
  }

  async headPosition(filter?: EventFilter): Promise<Position | null> {
    return this.#call('read the end of the global log', (onCancel: OnCancel) =>
      findHead(this.#client, admitter(this.#client, filter, this.#hideDeleted), onCancel),
    );
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    this.#assertOpen();
    const filter = options.filter;
    const subscription = new ResubscribingSubscription(
      {
        open: (after) => this.#openFeed(after, filter),
        admit: admitter(this.#client, filter, this.#hideDeleted),
        describe: (error) => asError(toStoreError(error, this.#endpoint, 'follow the global log')),
        confirmWithinMs: this.#timeoutMs,
      },
      handler,
      { after: options.after ?? null, resubscribe: this.#resubscribe },
    );
    this.#subscriptions.add(subscription);
    return {
      caughtUp: subscription.caughtUp,
      close: async () => {
        this.#subscriptions.delete(subscription);
        await subscription.close();
      },
    };
  }

  async deleteStream(streamId: string): Promise<void> {
    await this.#call(`delete stream ${streamId}`, async () => {
      try {
        await this.#client.deleteStream(streamId, { deadline: this.#timeoutMs });
      } catch (error) {
        // The server answers WrongExpectedVersion for a stream that does not exist,
        // and StreamDeleted for one already deleted for good: nothing is left to delete.
        if (error instanceof WrongExpectedVersionError) return;
        if (error instanceof StreamDeletedError || error instanceof StreamNotFoundError) return;
        throw error;
      }
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#subscriptions.clear();
    if (this.#ownsClient) await this.#client.dispose();
  }

  /**
   * Runs one call against the node: refused once the store is closed, failed
   * after the deadline (cancelling what it registered), and with the client's
   * faults turned into our errors.
   */
  async #call<T>(doing: string, work: (onCancel: OnCancel) => Promise<T>): Promise<T> {
    this.#assertOpen();
    const cancels: (() => void)[] = [];
    try {
      return await withDeadline(
        work((cancel) => cancels.push(cancel)),
        this.#timeoutMs,
        () =>
          new EventStoreUnavailableError(
            `${this.#endpoint} did not answer within ${this.#timeoutMs} ms: could not ${doing}` +
              (doing.startsWith('append')
                ? ' (it may have been written; retrying with the same event ids is safe)'
                : ''),
          ),
        () => {
          for (const cancel of cancels) cancel();
        },
      );
    } catch (error) {
      throw toStoreError(error, this.#endpoint, doing);
    }
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new EventStoreUnavailableError('the EventStoreDB event store is closed');
    }
  }

  #openFeed(after: Position | null, filter: EventFilter | undefined): SubscriptionFeed {
    const serverFilter = hasPrefixes(filter)
      ? streamNameFilter({ prefixes: [...filter!.streamPrefixes!] })
      : excludeSystemEvents();
    const fromPosition = after ? toEsdbPosition(after) : START;
    return new SubscriptionFeed(
      this.#client.subscribeToAll({ fromPosition, filter: serverFilter }),
    );
  }

  /** Where an event stands, for a success answer that carried no position. */
  async #positionOf(streamId: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) {
      throw new EventStoreUnavailableError(
        `${this.#endpoint} put stream ${streamId} at revision ${revision} but cannot read it`,
      );
    }
    return event.position;
  }
}

function connect(connectionString: string): EventStoreDBClient {
  try {
    return EventStoreDBClient.connectionString(connectionString);
  } catch {
    // The client's message repeats the string, which may hold a password.
    throw new ValidationError(
      'expected an EventStoreDB connection string such as esdb://host:2113?tls=false',
      'connectionString',
    );
  }
}

function hasPrefixes(filter: EventFilter | undefined): boolean {
  return (filter?.streamPrefixes?.length ?? 0) > 0;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
