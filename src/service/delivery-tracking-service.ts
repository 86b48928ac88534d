import { setMaxListeners } from 'node:events';
import { type Observable, takeWhile } from 'rxjs';
import { ConflictError, ServiceClosedError, ValidationError } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import { InMemoryEventStore } from '../eventstore/in-memory.js';
import { formatPosition } from '../eventstore/position.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { type Logger, silentLogger } from '../logger.js';
import type { SendToRecord } from '../machines/commands.js';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { PollingConfig } from '../machines/policy.js';
import { type DeliveryState, evolve } from '../machines/state.js';
import { isTerminal } from '../machines/status.js';
import { ChangeFeed, type StatusChange } from '../projections/change-feed.js';
import { toDeliveryEvent } from '../projections/delivery-events.js';
import { InMemoryProjectionStore } from '../projections/in-memory-store.js';
import type { ProjectionStore, Shard } from '../projections/projection-store.js';
import type {
  CountByField,
  CountByRow,
  ListOptions,
  RecordFilter,
} from '../projections/record-filter.js';
import {
  type RebuildOptions,
  type RebuildProgress,
  RecordsProjection,
} from '../projections/records-projection.js';
import { SqliteProjectionStore } from '../projections/sqlite-store.js';
import { type TrackingRecord, toTrackingRecord } from '../projections/tracking-record.js';
import {
  type ParseReceiptOptions,
  parseReceiptPayload,
  type ReceiptPayload,
} from '../receipts/index.js';
import type { Receipt } from '../receipts/receipt.js';
import { checkShard, indexProviders, resolvePolling } from './config.js';
import type { ServiceContext } from './context.js';
import { FailoverRunner } from './failover-runner.js';
import { type CommandMetadata, MessageActors, type Outcome } from './message-actor.js';
import {
  indexesOfItems,
  ingestItems,
  linesOfItems,
  type ReceiptIntakeAnswer,
} from './payload-intake.js';
import { Poller, type RunSummary } from './poller.js';
import { ReceiptDesk } from './receipt-desk.js';
import type { ReceiptOutcome } from './receipt-intake.js';
import {
  checkRetention,
  type RetentionPolicy,
  type RetentionSummary,
  runRetention,
} from './retention.js';
import { type StatusChangeOptions, statusChanges } from './status-stream.js';
import { report, type Telemetry } from './telemetry.js';
import type { ApiFailoverConfig, HookContext, Provider, SendResult } from './types.js';
import { checkFilter, checkGroupBy, checkListOptions } from './validate-query.js';
import { validateReceipt } from './validate-receipt.js';
import { parseSend } from './validate-send.js';

export interface DeliveryTrackingServiceConfig {
  /** Providers to poll; may be empty for a service that only takes pushed receipts. */
  providers?: readonly Provider[];
  /** @defaultValue `new InMemoryEventStore()` */
  eventStore?: EventStore;
  /** @defaultValue the SQLite one in the same database with a SqliteEventStore, in memory otherwise */
  projectionStore?: ProjectionStore;
  polling?: Partial<PollingConfig>;
  apiFailover?: ApiFailoverConfig;
  /** A pino-compatible logger. @defaultValue silent */
  logger?: Logger;
  /** Check only this shard's messages (a stable hash of the message id); reads and receipts serve all. */
  shard?: Shard;
  /** Per provider id: also match receipt ids read in the other base (decimal and hex). */
  receiptMatching?: Record<string, { decimalHex?: boolean }>;
  /** How long records and histories are kept. @defaultValue forever */
  retention?: RetentionPolicy;
  /**
   * How long a receipt whose send is not recorded yet waits for it.
   * @defaultValue 7 days
   */
  unmatchedReceiptTtlMs?: number;
  /** Hooks that report what the service does, for metrics. */
  telemetry?: Telemetry;
  /** The clock, in epoch ms. @defaultValue `Date.now` */
  now?: () => number;
  /**
   * How many recently used messages keep their decided state in memory, so
   * that the next command on them needs no read of their stream.
   * @defaultValue 10000
   */
  stateCacheSize?: number;
}

/** One event of a message's history. */
export interface HistoryEntry {
  type: string;
  revision: number;
  position: string;
  recordedAt: Date;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/**
 * Follows messages after they were sent until their fate is known: polls
 * providers with backoff, takes pushed receipts, applies timeouts and
 * failover, and answers what happened to each message. Every change is an
 * event in the message's stream; records are read from a projection.
 */
export class DeliveryTrackingService {
  readonly #events: EventStore;
  readonly #projections: ProjectionStore;
  readonly #polling: PollingConfig;
  readonly #log: Logger;
  readonly #root: Logger;
  readonly #now: () => number;
  readonly #feed = new ChangeFeed();
  readonly #actors: MessageActors;
  readonly #projection: RecordsProjection;
  readonly #closing = new AbortController();
  readonly #failover: FailoverRunner;
  readonly #poller: Poller;
  readonly #desk: ReceiptDesk;
  readonly #context: ServiceContext;
  readonly #retention: RetentionPolicy | undefined;
  readonly #detachInline: () => void;
  #initializing: Promise<void> | undefined;
  /** Commands under way, which close() lets finish. */
  readonly #inFlight = new Set<Promise<unknown>>();
  #timer: NodeJS.Timeout | undefined;
  #run: Promise<RunSummary> | undefined;
  #closed: Promise<void> | undefined;

  constructor(config: DeliveryTrackingServiceConfig = {}) {
    if (config === null || typeof config !== 'object') {
      throw new ValidationError('expected a configuration object', 'config');
    }
    checkStores(config);
    if (config.now !== undefined && typeof config.now !== 'function') {
      throw new ValidationError('expected a function that returns epoch milliseconds', 'now');
    }
    if (
      config.apiFailover?.sender !== undefined &&
      typeof config.apiFailover.sender !== 'function'
    ) {
      throw new ValidationError('expected a function', 'apiFailover.sender');
    }
    const ttl = config.unmatchedReceiptTtlMs ?? 7 * 24 * 60 * 60 * 1000;
    if (!Number.isFinite(ttl) || ttl < 0) {
      throw new ValidationError(`expected a number >= 0, got ${ttl}`, 'unmatchedReceiptTtlMs');
    }
    this.#polling = resolvePolling(config.polling);
    const root = config.logger ?? silentLogger;
    this.#root = root;
    this.#log = root.child({ component: 'delivery-tracking' });
    // Each part logs through its own child of the given logger, named once.
    const logOf = (component: string) => root.child({ component });
    this.#now = config.now ?? Date.now;
    this.#events = config.eventStore ?? new InMemoryEventStore();
    this.#projections = config.projectionStore ?? defaultProjectionStore(this.#events);
    // Every provider query in flight listens for close().
    setMaxListeners(0, this.#closing.signal);
    const telemetry = config.telemetry;
    this.#actors = new MessageActors(this.#events, config.stateCacheSize ?? 10_000, telemetry);
    this.#projection = new RecordsProjection(
      this.#events,
      this.#projections,
      this.#feed,
      logOf('projection'),
      (seconds) => report(telemetry, 'projectionLag', seconds),
    );
    if (telemetry?.statusChanged) {
      this.#feed.listen({}, (change) => report(telemetry, 'statusChanged', change));
    }
    this.#detachInline = inlineProjection(this.#events, this.#projections, this.#projection);

    const context: ServiceContext = {
      events: this.#events,
      projections: this.#projections,
      projection: this.#projection,
      actors: this.#actors,
      providers: indexProviders(config.providers),
      polling: this.#polling,
      failover: config.apiFailover,
      shard: checkShard(config.shard),
      receiptMatching: config.receiptMatching ?? {},
      unmatchedReceiptTtlMs: ttl,
      now: this.#now,
      closing: this.#closing.signal,
      log: this.#log,
      telemetry,
    };
    this.#context = context;
    this.#retention = checkRetention(config.retention);
    this.#failover = new FailoverRunner(context);
    this.#poller = new Poller({ ...context, log: logOf('poller') }, this.#failover);
    this.#desk = new ReceiptDesk({ ...context, log: logOf('receipts') }, this.#failover);
  }

  /** The polling rules in force. */
  get polling(): Readonly<PollingConfig> {
    return this.#polling;
  }

  /** Catches the projections up with the store. Every method does this on first use. */
  async init(): Promise<void> {
    if (this.#closed) throw new ServiceClosedError();
    this.#initializing ??= this.#projection.start().catch((error: unknown) => {
      this.#initializing = undefined;
      throw error;
    });
    await this.#initializing;
  }

  /** Runs `runOnce` every `polling.intervalMs` until `stop()` or `close()`. */
  start(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setInterval(() => {
      this.runOnce().catch((error: unknown) => {
        this.#log.error({ err: error }, 'polling run failed');
      });
    }, this.#polling.intervalMs);
    this.#log.info({ intervalMs: this.#polling.intervalMs }, 'polling started');
  }

  stop(): void {
    if (!this.#timer) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#log.info({}, 'polling stopped');
  }

  /** Stops polling, waits for the run in flight, and closes the stores. */
  close(): Promise<void> {
    this.#closed ??= (async () => {
      this.stop();
      this.#closing.abort(new ServiceClosedError());
      await this.#run?.catch(() => undefined);
      await Promise.allSettled([...this.#inFlight]);
      this.#detachInline();
      await this.#projection.stop();
      await this.#projections.close();
      await this.#events.close();
      this.#log.info({}, 'closed');
    })();
    return this.#closed;
  }

  /**
   * Starts tracking a message that was just sent: k-msg's hook context and
   * send result. When it resolves, `getRecord` shows the message.
   * @throws ValidationError when an argument does not have the expected shape
   */
  async recordSend(context: HookContext, result: SendResult): Promise<void> {
    await this.#ready();
    const send = parseSend(context, result);
    await this.#tracked(async () => {
      const outcome = await this.#actors.execute(
        send.messageId,
        { type: 'send.record', now: this.#now(), policy: this.#polling, send },
        { causationId: `send:${send.messageId}` },
      );
      if (outcome.events.length === 0) refuseDifferentResend(send, outcome.state);
      await this.#settle(outcome);
      if (outcome.events.length > 0 && outcome.state) {
        const claimed = await this.#desk.claimParked(outcome.state);
        if (claimed) await this.#projection.waitFor(claimed);
      }
      this.#log.debug(
        { messageId: send.messageId, status: outcome.state?.status },
        'send recorded',
      );
    });
  }

  async getRecord(messageId: string): Promise<TrackingRecord | undefined> {
    await this.#ready();
    const state = await this.#projections.get(requireId(messageId));
    return state && toTrackingRecord(state);
  }

  async listRecords(options: ListOptions): Promise<TrackingRecord[]> {
    await this.#ready();
    return (await this.#projections.list(checkListOptions(options))).map(toTrackingRecord);
  }

  async countRecords(filter: RecordFilter = {}): Promise<number> {
    await this.#ready();
    return this.#projections.count(checkFilter(filter));
  }

  async countBy(filter: RecordFilter, groupBy: readonly CountByField[]): Promise<CountByRow[]> {
    await this.#ready();
    return this.#projections.countBy(checkFilter(filter), checkGroupBy(groupBy));
  }

  /** The message's events in order, each with when it happened and when it was stored. */
  async history(messageId: string): Promise<HistoryEntry[]> {
    await this.#ready();
    const recorded = await this.#actors.readHistory(requireId(messageId));
    return recorded.map((event) => ({
      type: event.type,
      revision: event.revision,
      position: formatPosition(event.position),
      recordedAt: event.recordedAt,
      occurredAt: new Date(Number(event.metadata.occurredAt ?? event.recordedAt.getTime())),
      data: event.data,
    }));
  }

  /** The record as it stood at `at`: its events up to that time, folded. */
  async recordAt(messageId: string, at: Date): Promise<TrackingRecord | undefined> {
    await this.#ready();
    if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
      throw new ValidationError('expected a valid Date', 'at');
    }
    let state: DeliveryState | undefined;
    for (const recorded of await this.#actors.readHistory(requireId(messageId))) {
      const occurredAt = Number(recorded.metadata.occurredAt ?? recorded.recordedAt.getTime());
      if (occurredAt > at.getTime()) break;
      const event = toDeliveryEvent(recorded);
      if (event) state = evolve(state, event);
    }
    return state && toTrackingRecord(state);
  }

  /**
   * Status changes as they are projected; filter by message, provider or
   * status, and replay past ones first with `from`.
   */
  statusChanges(options: StatusChangeOptions = {}): Observable<StatusChange> {
    return statusChanges(this.#events, this.#feed, () => this.#ready(), options);
  }

  /** One message's changes from its first, completing when it reaches a final status. */
  watch(messageId: string): Observable<StatusChange> {
    return this.statusChanges({ messageId: requireId(messageId), from: 'start' }).pipe(
      takeWhile((change) => !isTerminal(change.status), true),
    );
  }

  /**
   * Takes one delivery report: matches it to its message by provider and
   * provider message id, and records it. A repeated report has one effect.
   */
  async ingestReceipt(
    receipt: Receipt,
    options: { format?: string } & CommandMetadata = {},
  ): Promise<ReceiptOutcome> {
    await this.#ready();
    validateReceipt(receipt);
    return this.#tracked(() => this.#desk.ingest(receipt, options));
  }

  /**
   * Takes a provider's own delivery report payload, as HTTP does: parses it
   * in the format given (`smpp`, `twilio`, `vonage`, `infobip`, `aws-sms`,
   * `solapi`, `jasmin`, `kannel`), records every report it holds, and keeps
   * the ones that cannot be read as dead letters.
   * @throws ValidationError for an unknown format; UnauthorizedError for a
   * Vonage payload whose signature does not check out
   */
  async ingestPayload(
    format: string,
    payload: ReceiptPayload,
    options: ParseReceiptOptions = {},
  ): Promise<ReceiptIntakeAnswer> {
    await this.#ready();
    const items = parseReceiptPayload(format, payload, options);
    const providerId = options.providerId ?? format;
    const places = format === 'smpp' ? linesOfItems(payload.body, items) : indexesOfItems(items);
    return ingestItems(this, items, places, {
      format,
      providerId,
      log: this.#root.child({ component: 'receipts' }),
    });
  }

  /** Receipts waiting for their send, oldest first. */
  async listUnmatchedReceipts(
    options: { limit: number; offset?: number; providerId?: string } = { limit: 100 },
  ): Promise<ParkedReceipt[]> {
    await this.#ready();
    return this.#projections.listParked(options);
  }

  /**
   * Keeps a delivery report that could not be read, whole, in the dead-letter
   * stream, so that nothing a provider sent is lost.
   */
  async recordUnreadableReceipt(entry: {
    format: string;
    providerId: string;
    reason: string;
    raw: string;
  }): Promise<void> {
    await this.#ready();
    await this.#tracked(() => this.#desk.deadLetter(entry));
  }

  /** Reports that could not be read, oldest first. */
  async listDeadLetters(options: { limit: number; offset?: number } = { limit: 100 }) {
    await this.#ready();
    return this.#desk.listDeadLetters(options);
  }

  /**
   * Checks one batch of due messages, `polling.concurrency` at a time, and
   * resolves when their events are appended and projected. A call while a
   * run is in flight joins it.
   */
  runOnce(): Promise<RunSummary> {
    if (this.#closed) return Promise.resolve({ checked: 0, changed: 0, failed: 0 });
    this.#run ??= this.#runBatch().finally(() => {
      this.#run = undefined;
    });
    return this.#run;
  }

  /**
   * Deletes the messages older than their retention period (`retention`):
   * their streams, then their records. Counts what it deleted, by type.
   */
  async runRetention(): Promise<RetentionSummary> {
    await this.#ready();
    return this.#tracked(() =>
      runRetention(
        { ...this.#context, log: this.#root.child({ component: 'retention' }) },
        this.#retention,
      ),
    );
  }

  /**
   * Builds the projections again from the first event into a new copy, and
   * swaps it in; reads use the old copy until then. Takes a progress callback,
   * or options with one.
   */
  async rebuildProjections(
    options?: RebuildOptions | ((progress: RebuildProgress) => void),
  ): Promise<RebuildProgress> {
    await this.#ready();
    const checked = checkRebuildOptions(
      typeof options === 'function' ? { onProgress: options } : (options ?? {}),
    );
    return this.#projection.rebuild(checked);
  }

  async #runBatch(): Promise<RunSummary> {
    await this.#ready();
    const summary = await this.#poller.runBatch();
    const expiredReceipts = await this.#desk.expireParked(this.#polling.batchSize);
    return expiredReceipts > 0 ? { ...summary, expiredReceipts } : summary;
  }

  /** Waits until the projection shows an outcome, after what follows from it. */
  async #settle(outcome: Outcome): Promise<void> {
    const position = await this.#failover.afterChange(outcome);
    if (position) await this.#projection.waitFor(position);
  }

  async #ready(): Promise<void> {
    if (this.#closed) throw new ServiceClosedError();
    await this.init();
  }

  /** Runs a command so that close() waits for it. */
  #tracked<T>(work: () => Promise<T>): Promise<T> {
    if (this.#closed) return Promise.reject(new ServiceClosedError());
    const running = work();
    this.#inFlight.add(running);
    running.then(
      () => this.#inFlight.delete(running),
      () => this.#inFlight.delete(running),
    );
    return running;
  }
}

/**
 * Beside a SQLite event store, the projection lives in the same file and on
 * the same connection: it mostly commits in the very transactions that
 * append its events (see inlineProjection), and reads what that connection
 * has just written from its cache.
 */
function defaultProjectionStore(events: EventStore): ProjectionStore {
  if (!(events instanceof SqliteEventStore)) return new InMemoryProjectionStore();
  return new SqliteProjectionStore({ database: events.database });
}

const EVENT_STORE_METHODS = ['append', 'readStream', 'readAll', 'subscribeToAll', 'close'] as const;
const PROJECTION_STORE_METHODS = ['get', 'commit', 'listDue', 'list', 'beginRebuild'] as const;

/**
 * With the SQLite event store and the SQLite projection in the same file,
 * the projection commits in the transactions that append its events when it
 * is at the head of the log: one sync to disk for both, and no second
 * transaction. The subscription still applies whatever this does not.
 */
function inlineProjection(
  events: EventStore,
  projections: ProjectionStore,
  projection: RecordsProjection,
): () => void {
  if (!(events instanceof SqliteEventStore) || !(projections instanceof SqliteProjectionStore)) {
    return () => {};
  }
  const writer = projections.writerOn(events.database);
  return writer ? events.addCommitHook(projection.inline(writer)) : () => {};
}

/** Stores given in the configuration must at least look like the ports they stand for. */
function checkStores(config: DeliveryTrackingServiceConfig): void {
  const ports = [
    ['eventStore', config.eventStore, EVENT_STORE_METHODS],
    ['projectionStore', config.projectionStore, PROJECTION_STORE_METHODS],
  ] as const;
  for (const [name, store, methods] of ports) {
    if (store === undefined) continue;
    const missing = methods.filter(
      (method) => typeof (store as unknown as Record<string, unknown>)?.[method] !== 'function',
    );
    if (missing.length > 0) {
      throw new ValidationError(`expected a store with ${missing.join(', ')}`, name);
    }
  }
}

/**
 * A send recorded again is fine when it is the same send (a retried hook);
 * one that says something else about the message is refused.
 */
function refuseDifferentResend(send: SendToRecord, state: DeliveryState | undefined): void {
  if (!state) return;
  const differs = (['providerId', 'providerMessageId', 'type', 'to'] as const).filter(
    (field) => send[field] !== state[field],
  );
  if (differs.length > 0) {
    throw new ConflictError(
      `message ${send.messageId} is already tracked with another ${differs.join(', ')}; ` +
        'expected the same send again, or a new message id',
    );
  }
}

function checkRebuildOptions(options: RebuildOptions): RebuildOptions {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('expected a progress callback or an options object', 'options');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw new ValidationError('expected a function', 'onProgress');
  }
  const rows = options.bufferRows;
  if (rows !== undefined && !(Number.isSafeInteger(rows) && rows >= 1)) {
    throw new ValidationError(`expected a whole number of rows >= 1, got ${rows}`, 'bufferRows');
  }
  return options;
}

function requireId(messageId: unknown): string {
  if (typeof messageId !== 'string' || messageId.trim() === '') {
    throw new ValidationError('expected a non-empty string', 'messageId');
  }
  return messageId;
}
