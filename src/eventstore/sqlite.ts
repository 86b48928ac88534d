import type Database from 'better-sqlite3';
import { EventStoreUnavailableError, WrongExpectedRevisionError } from '../errors.js';
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
import { followLog, type LogPage, WakeupSignal } from './follow-log.js';
import { revisionMatches } from './in-memory.js';
import { type Position, position } from './position.js';
import { DEFAULT_MAX_EVENT_BYTES, type SerializedEvent, serializeEvents } from './serialize.js';
import { openDatabase } from './sqlite-database.js';

export interface SqliteEventStoreOptions {
  /** Path of the database file, or `":memory:"`. */
  readonly filename?: string;
  /** An open database to share, e.g. with the SQLite projection store. */
  readonly database?: Database.Database;
  /**
   * How often a subscription looks for events that another process appended.
   * Appends made through this store wake subscriptions at once.
   * @defaultValue 200
   */
  readonly pollIntervalMs?: number;
  /** @defaultValue 1 MiB */
  readonly maxEventBytes?: number;
  /**
   * `full` syncs the log to disk before an append is acknowledged, so that it
   * survives a power cut; `normal` survives a killed process but may lose the
   * last appends on power loss.
   * @defaultValue 'full'
   */
  readonly synchronous?: 'full' | 'normal';
}

/**
 * Work that commits in the same transaction as appended events, such as a
 * projection kept in the same file: one sync to disk then covers both. It
 * runs after the events are written. If it throws, what it wrote is undone
 * and the events still commit. It returns what to do once they have
 * committed, if anything; that must not throw.
 */
export type CommitHook = (appended: readonly RecordedEvent[]) => (() => void) | undefined;

interface PendingAppend {
  readonly streamId: string;
  readonly events: SerializedEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: unknown) => void;
}

/** The columns `#sameEventsAt` reads of each event it compares. */
interface EventIdRow {
  position: number;
  revision: number;
  event_id: string;
}

/** The columns of an event, in the order of EventTuple. */
const COLUMNS = 'position, stream_id, revision, event_id, type, data, metadata, recorded_at';

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS events (
    position INTEGER PRIMARY KEY AUTOINCREMENT,
    stream_id TEXT NOT NULL,
    revision INTEGER NOT NULL,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL,
    metadata TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    UNIQUE (stream_id, revision)
  );
`;

/**
 * The embedded event store: one SQLite table of events in WAL mode, with a
 * global position and a unique (stream, revision). Appends that arrive
 * together are written in one transaction (group commit), each still checked
 * and applied whole or not at all. Several processes may share one file.
 */
export class SqliteEventStore implements EventStore {
  readonly database: Database.Database;
  /** The database file, `":memory:"` for one in memory. */
  readonly filename: string;
  readonly #ownsDatabase: boolean;
  readonly #pollIntervalMs: number;
  readonly #maxEventBytes: number;
  readonly #signal = new WakeupSignal();
  readonly #subscriptions = new Set<Subscription>();
  #queue: PendingAppend[] = [];
  #flushScheduled = false;
  #closed = false;

  readonly #statements;
  readonly #filteredReads = new Map<number, Database.Statement>();
  readonly #flushBatch: Database.Transaction<
    (
      items: PendingAppend[],
      committed: Array<() => void>,
    ) => Map<PendingAppend, AppendResult | Error>
  >;
  /** The events the flush in progress wrote, handed to subscriptions after it commits. */
  #appended: RecordedEvent[] = [];
  readonly #hooks = new Set<CommitHook>();
  readonly #runHook: Database.Transaction<
    (hook: CommitHook, appended: readonly RecordedEvent[]) => (() => void) | undefined
  >;

  constructor(options: SqliteEventStoreOptions = {}) {
    this.#ownsDatabase = options.database === undefined;
    this.filename = options.database?.name ?? options.filename ?? ':memory:';
    this.database =
      options.database ??
      openDatabase(options.filename ?? ':memory:', { synchronous: options.synchronous });
    this.#pollIntervalMs = options.pollIntervalMs ?? 200;
    this.#maxEventBytes = options.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.database.exec(SCHEMA);

    const db = this.database;
    this.#statements = {
      currentRevision: db
        .prepare('SELECT max(revision) AS revision FROM events WHERE stream_id = ?')
        .pluck(),
      insert: db.prepare(
        `INSERT INTO events (stream_id, revision, event_id, type, data, metadata, recorded_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      idsFrom: db.prepare(
        `SELECT event_id, revision, position FROM events
         WHERE stream_id = ? AND revision >= ? ORDER BY revision LIMIT ?`,
      ),
      // A LIMIT bound as a parameter costs SQLite several times the lookup
      // itself; reading a whole stream, the usual case, needs none.
      readStream: db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ? ORDER BY revision`,
        )
        .raw(true),
      readStreamPart: db
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE stream_id = ? AND revision >= ?
         ORDER BY revision LIMIT ?`,
        )
        .raw(true),
      // In index order, so that one read of many streams walks the index once.
      readStreams: db
        .prepare(
          `SELECT ${COLUMNS} FROM events
           WHERE stream_id IN (SELECT value FROM json_each(?)) ORDER BY stream_id, revision`,
        )
        .raw(true),
      readAll: db
        .prepare(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position LIMIT ?`)
        .raw(true),
      head: db.prepare('SELECT max(position) FROM events').pluck(),
      deleteStream: db.prepare('DELETE FROM events WHERE stream_id = ?'),
    };

    this.#flushBatch = db.transaction((items: PendingAppend[], committed: Array<() => void>) => {
      const results = new Map<PendingAppend, AppendResult | Error>();
      // An append that loses on its expected revision throws before it
      // writes anything, so it needs no savepoint of its own; any other
      // failure undoes the whole flush, and every append in it is refused.
      for (const item of items) {
        try {
          results.set(item, this.#write(item));
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          results.set(item, error);
        }
      }
      if (this.#appended.length > 0) this.#runHooks(committed);
      return results;
    });
    // Nested in the flush's transaction: a savepoint, undone alone if the hook throws.
    this.#runHook = db.transaction((hook, appended) => hook(appended));
  }

  /**
   * Adds work to run inside each append's transaction, after its events are
   * written (see CommitHook). Returns a function that removes it.
   */
  addCommitHook(hook: CommitHook): () => void {
    this.#hooks.add(hook);
    return () => this.#hooks.delete(hook);
  }

  append(
    streamId: string,
    events: readonly NewEvent[],
    options: { expectedRevision?: ExpectedRevision } = {},
  ): Promise<AppendResult> {
    if (this.#closed) return Promise.reject(closedError());
    let serialized: SerializedEvent[];
    try {
      serialized = serializeEvents(streamId, events, this.#maxEventBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    const expected = options.expectedRevision ?? 'any';
    return new Promise((resolve, reject) => {
      this.#queue.push({ streamId, events: serialized, expected, resolve, reject });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    const rows = (
      options.maxCount === undefined
        ? this.#statements.readStream.all(streamId, from)
        : this.#statements.readStreamPart.all(streamId, from, options.maxCount)
    ) as EventTuple[];
    return rows.map(fromTuple);
  }

  async readStreams(streamIds: readonly string[]): Promise<Map<string, RecordedEvent[]>> {
    const found = new Map<string, RecordedEvent[]>(streamIds.map((id) => [id, []]));
    if (streamIds.length === 0) return found;
    const rows = this.#statements.readStreams.all(JSON.stringify(streamIds)) as EventTuple[];
    for (const row of rows) found.get(row[1])!.push(fromTuple(row));
    return found;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    return this.#readPage(options.after ?? null, options.maxCount ?? 1000, options.filter).events;
  }

  async headPosition(filter?: EventFilter): Promise<Position | null> {
    if (filter?.streamPrefixes && filter.streamPrefixes.length > 0) {
      const head = this.database
        .prepare(`SELECT max(position) FROM events WHERE ${prefixClause(filter.streamPrefixes)}`)
        .pluck()
        .get(...prefixArgs(filter.streamPrefixes)) as number | null;
      return head === null ? null : position(head);
    }
    const head = this.#statements.head.get() as number | null;
    return head === null ? null : position(head);
  }

  async countEvents(filter?: EventFilter): Promise<number> {
    const prefixes = filter?.streamPrefixes ?? [];
    if (prefixes.length === 0) {
      return this.database.prepare('SELECT count(*) FROM events').pluck().get() as number;
    }
    return this.database
      .prepare(`SELECT count(*) FROM events WHERE ${prefixClause(prefixes)}`)
      .pluck()
      .get(...prefixArgs(prefixes)) as number;
  }

  subscribeToAll(handler: SubscriptionHandler, options: SubscribeOptions = {}): Subscription {
    if (this.#closed) throw closedError();
    const subscription = followLog(
      async (after, maxCount, filter) => this.#readPage(after, maxCount, filter),
      this.#signal,
      handler,
      { ...options, pollIntervalMs: this.#pollIntervalMs },
    );
    this.#subscriptions.add(subscription);
    return subscription;
  }

  async deleteStream(streamId: string): Promise<void> {
    this.#statements.deleteStream.run(streamId);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#flush();
    this.#closed = true;
    await Promise.all([...this.#subscriptions].map((s) => s.close()));
    this.#subscriptions.clear();
    if (this.#ownsDatabase) this.database.close();
  }

  #flush(): void {
    this.#flushScheduled = false;
    const items = this.#queue;
    this.#queue = [];
    if (items.length === 0) return;

    let results: Map<PendingAppend, AppendResult | Error>;
    const committed: Array<() => void> = [];
    this.#appended = [];
    try {
      results = this.#flushBatch.immediate(items, committed);
    } catch (error) {
      this.#appended = [];
      const failure = new EventStoreUnavailableError(
        `the SQLite event store could not append: ${(error as Error).message}`,
        error,
      );
      for (const item of items) item.reject(failure);
      return;
    }

    const appended = this.#appended;
    this.#appended = [];
    for (const done of committed) {
      try {
        done();
      } catch {
        // A hook's after-commit work must not keep the appends from resolving.
      }
    }
    this.#signal.wake(appended.length > 0 ? appended : undefined);
    for (const item of items) {
      const result = results.get(item)!;
      if (result instanceof Error) item.reject(result);
      else item.resolve(result);
    }
  }

  /** Runs the commit hooks on what the flush wrote; collects what each does after the commit. */
  #runHooks(committed: Array<() => void>): void {
    const appended = this.#appended;
    for (const hook of this.#hooks) {
      try {
        const done = this.#runHook(hook, appended);
        if (done) committed.push(done);
      } catch (error) {
        // Some failures (a full disk, an I/O error) roll back the whole
        // transaction, not only the hook's savepoint: then the flush fails,
        // and no other hook may write outside of it.
        if (!this.database.inTransaction) throw error;
        // Otherwise only the hook's work is undone. A projection hook's work
        // is then done by its subscription, which reports what went wrong.
      }
    }
  }

  #write(item: PendingAppend): AppendResult {
    const { streamId, events, expected } = item;
    const found = this.#statements.currentRevision.get(streamId) as number | null;
    const current = found ?? -1;

    if (!revisionMatches(expected, current)) {
      const replay = this.#sameEventsAt(streamId, expected, events);
      if (replay) return replay;
      throw new WrongExpectedRevisionError(
        streamId,
        describeExpected(expected),
        current < 0 ? 'no_stream' : current,
      );
    }

    const now = Date.now();
    const written: RecordedEvent[] = [];
    for (const [index, event] of events.entries()) {
      const revision = current + 1 + index;
      const info = this.#statements.insert.run(
        streamId,
        revision,
        event.id,
        event.type,
        event.data,
        event.metadata,
        now,
      );
      written.push(
        fromTuple([
          Number(info.lastInsertRowid),
          streamId,
          revision,
          event.id,
          event.type,
          event.data,
          event.metadata,
          now,
        ]),
      );
    }
    // Kept only once every event of the append is written: a conflict throws before this.
    this.#appended.push(...written);
    const last = written[written.length - 1]!;
    return { nextRevision: last.revision, position: last.position };
  }

  #sameEventsAt(
    streamId: string,
    expected: ExpectedRevision,
    events: readonly SerializedEvent[],
  ): AppendResult | undefined {
    const start = expected === 'no_stream' ? 0 : typeof expected === 'number' ? expected + 1 : -1;
    if (start < 0) return undefined;
    const rows = this.#statements.idsFrom.all(streamId, start, events.length) as EventIdRow[];
    if (rows.length !== events.length || rows.some((row, i) => row.event_id !== events[i]!.id)) {
      return undefined;
    }
    const last = rows[rows.length - 1]!;
    return { nextRevision: last.revision, position: position(last.position) };
  }

  #readPage(after: Position | null, maxCount: number, filter: EventFilter | undefined): LogPage {
    return this.#readPageInSnapshot(after, maxCount, filter);
  }

  /** One page, and the head of the log as the same read snapshot saw it. */
  readonly #readPageInSnapshot = (
    after: Position | null,
    maxCount: number,
    filter: EventFilter | undefined,
  ): LogPage => {
    const read = this.database.transaction((): LogPage => {
      const events = this.#selectPage(after, maxCount, filter).map(fromTuple);
      if (events.length === maxCount) {
        return { events, scannedTo: events[events.length - 1]!.position };
      }
      const head = this.#statements.head.get() as number | null;
      return { events, scannedTo: head === null ? null : position(head) };
    });
    return read();
  };

  #selectPage(after: Position | null, maxCount: number, filter: EventFilter | undefined) {
    const from = after === null ? 0 : Number(after.commit);
    const prefixes = filter?.streamPrefixes;
    if (!prefixes || prefixes.length === 0) {
      return this.#statements.readAll.all(from, maxCount) as EventTuple[];
    }
    let statement = this.#filteredReads.get(prefixes.length);
    if (!statement) {
      statement = this.database
        .prepare(
          `SELECT ${COLUMNS} FROM events WHERE position > ? AND (${prefixClause(prefixes)})
         ORDER BY position LIMIT ?`,
        )
        .raw(true);
      this.#filteredReads.set(prefixes.length, statement);
    }
    return statement.all(from, ...prefixArgs(prefixes), maxCount) as EventTuple[];
  }
}

/** SQL that keeps the events of streams starting with one of the prefixes (see `prefixArgs`). */
function prefixClause(prefixes: readonly string[]): string {
  return prefixes.map(() => 'substr(stream_id, 1, ?) = ?').join(' OR ');
}

function prefixArgs(prefixes: readonly string[]): Array<number | string> {
  return prefixes.flatMap((prefix) => [prefix.length, prefix]);
}

/**
 * An event row in array form (see COLUMNS): better-sqlite3 builds arrays
 * faster than objects, and an append builds its events from the same shape.
 */
type EventTuple = [
  position: number,
  streamId: string,
  revision: number,
  eventId: string,
  type: string,
  data: string,
  metadata: string,
  recordedAt: number,
];

function fromTuple(row: EventTuple): RecordedEvent {
  return {
    id: row[3],
    streamId: row[1],
    type: row[4],
    revision: row[2],
    position: position(row[0]),
    data: JSON.parse(row[5]),
    metadata: JSON.parse(row[6]),
    recordedAt: new Date(row[7]),
  };
}

function closedError(): EventStoreUnavailableError {
  return new EventStoreUnavailableError('the SQLite event store is closed');
}
