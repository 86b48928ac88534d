import { WrongExpectedRevisionError } from '../errors.js';
import type { EventStore, NewEvent, RecordedEvent } from '../eventstore/event-store.js';
import type { Position } from '../eventstore/position.js';
import type { DeliveryCommand } from '../machines/commands.js';
import { type Decision, decide } from '../machines/decide.js';
import { type DeliveryEvent, EVENT_SCHEMA_VERSION, streamIdOf } from '../machines/events.js';
import { type DeliveryState, evolve } from '../machines/state.js';
import { toDeliveryEvent } from '../projections/delivery-events.js';
import { eventId } from './event-ids.js';
import { report, type Telemetry } from './telemetry.js';

/** A message's state as its stream left it, and the revision it was read at. */
export interface LoadedMessage {
  readonly state: DeliveryState | undefined;
  /** Revision of the stream's last event; -1 when there is no stream. */
  readonly revision: number;
}

export interface Outcome extends Decision {
  /** Global position of the last event appended; null when nothing was. */
  readonly position: Position | null;
}

export interface CommandMetadata {
  readonly correlationId?: string;
  readonly causationId?: string;
}

const MAX_CONFLICTS = 20;

/**
 * Runs commands against one message at a time: rebuilds the message from its
 * stream, lets the delivery machine decide, and appends the events at the
 * revision it read. A writer that lost a race reloads and decides again. No
 * actor outlives its command, so a million tracked messages cost nothing here.
 */
export class MessageActors {
  readonly #events: EventStore;
  readonly #cache: StateCache;
  readonly #telemetry: Telemetry | undefined;

  /**
   * @param cacheSize how many recently used messages to keep decided states
   * of, so that a command needs no read; 0 reads every stream every time.
   */
  constructor(events: EventStore, cacheSize = 10_000, telemetry?: Telemetry) {
    this.#events = events;
    this.#cache = new StateCache(cacheSize);
    this.#telemetry = telemetry;
  }

  /**
   * The message as last seen here. A cached state may be behind the stream
   * when another process wrote to it; the append of a decision made from it
   * then fails on its expected revision, and the message is read again.
   */
  async load(messageId: string): Promise<LoadedMessage> {
    return this.#cache.get(messageId) ?? this.#read(messageId);
  }

  /**
   * Reads the streams of the messages not cached in one go, where the event
   * store can, so that the commands about to be run on them need no read of
   * their own. Only as many as the cache holds are kept.
   */
  async prefetch(messageIds: readonly string[]): Promise<void> {
    if (!this.#events.readStreams || this.#cache.capacity === 0) return;
    const missing = messageIds.filter((id) => !this.#cache.has(id)).slice(0, this.#cache.capacity);
    if (missing.length === 0) return;
    const streams = await this.#events.readStreams(missing.map(streamIdOf));
    for (const messageId of missing)
      this.#fold(messageId, streams.get(streamIdOf(messageId)) ?? []);
  }

  async #read(messageId: string): Promise<LoadedMessage> {
    return this.#fold(messageId, await this.#events.readStream(streamIdOf(messageId)));
  }

  /** The message as its events leave it, cached if it exists. */
  #fold(messageId: string, recorded: readonly RecordedEvent[]): LoadedMessage {
    let state: DeliveryState | undefined;
    for (const event of recorded) {
      const domain = toDeliveryEvent(event);
      if (domain) state = evolve(state, domain);
    }
    const loaded = {
      state,
      revision: recorded.length === 0 ? -1 : recorded[recorded.length - 1]!.revision,
    };
    // A read that took its time may be older than what a command cached meanwhile.
    if (state) this.#cache.offer(messageId, loaded);
    return loaded;
  }

  /**
   * Decides `command` for the message and appends what it emits. `loaded`
   * saves the first read when the caller has just loaded the message.
   */
  async execute(
    messageId: string,
    command: DeliveryCommand,
    metadata: CommandMetadata = {},
    loaded?: LoadedMessage,
  ): Promise<Outcome> {
    let current = loaded ?? (await this.load(messageId));
    for (let attempt = 1; ; attempt++) {
      const decision = decide(current.state, command);
      if (decision.events.length === 0) return { ...decision, position: null };
      try {
        const position = await this.append(
          messageId,
          current.revision,
          decision.events,
          command.now,
          metadata,
        );
        this.#cache.set(messageId, {
          state: decision.state,
          revision: current.revision + decision.events.length,
        });
        return { ...decision, position };
      } catch (error) {
        this.#cache.delete(messageId);
        if (!(error instanceof WrongExpectedRevisionError) || attempt >= MAX_CONFLICTS) throw error;
        current = await this.#read(messageId);
      }
    }
  }

  /** Appends events decided at `revision`; throws WrongExpectedRevisionError if the stream moved on. */
  async append(
    messageId: string,
    revision: number,
    events: readonly DeliveryEvent[],
    occurredAt: number,
    metadata: CommandMetadata,
  ): Promise<Position> {
    const streamId = streamIdOf(messageId);
    const expected = revision < 0 ? 'no_stream' : revision;
    const toAppend: NewEvent[] = events.map((event, index) => ({
      id: eventId(streamId, expected, index, event.type, event.data),
      type: event.type,
      data: event.data as unknown as NewEvent['data'],
      metadata: {
        schemaVersion: EVENT_SCHEMA_VERSION,
        occurredAt,
        correlationId: metadata.correlationId ?? messageId,
        ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
      },
    }));
    const started = performance.now();
    const result = await this.#events.append(streamId, toAppend, { expectedRevision: expected });
    report(this.#telemetry, 'appendDuration', (performance.now() - started) / 1000);
    return result.position;
  }

  /** Drops what is cached of a message whose stream was deleted. */
  forget(messageId: string): void {
    this.#cache.delete(messageId);
  }

  async readHistory(messageId: string): Promise<RecordedEvent[]> {
    return this.#events.readStream(streamIdOf(messageId));
  }
}

/** A bounded map that forgets the least recently used message first. */
class StateCache {
  readonly capacity: number;
  readonly #entries = new Map<string, LoadedMessage>();

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  has(messageId: string): boolean {
    return this.#entries.has(messageId);
  }

  get(messageId: string): LoadedMessage | undefined {
    const entry = this.#entries.get(messageId);
    if (entry) {
      this.#entries.delete(messageId);
      this.#entries.set(messageId, entry);
    }
    return entry;
  }

  set(messageId: string, entry: LoadedMessage): void {
    if (this.capacity <= 0) return;
    this.#entries.delete(messageId);
    this.#entries.set(messageId, entry);
    if (this.#entries.size > this.capacity) {
      this.#entries.delete(this.#entries.keys().next().value!);
    }
  }

  /** Caches `entry` unless what is cached is as recent or more. */
  offer(messageId: string, entry: LoadedMessage): void {
    const cached = this.#entries.get(messageId);
    if (cached === undefined || cached.revision < entry.revision) this.set(messageId, entry);
  }

  delete(messageId: string): void {
    this.#entries.delete(messageId);
  }
}
