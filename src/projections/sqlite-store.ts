import { resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { ConflictError } from '../errors.js';
import type { Position } from '../eventstore/position.js';
import { openDatabase } from '../eventstore/sqlite-database.js';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { DeliveryState } from '../machines/state.js';
import type { ProjectionBatch, ProjectionStore, RebuildTarget, Shard } from './projection-store.js';
import type { CountByField, CountByRow, ListOptions, RecordFilter } from './record-filter.js';
import { RecordTable } from './sqlite-record-table.js';

export interface SqliteProjectionStoreOptions {
  /** Path of the database file, or `":memory:"`. */
  readonly filename?: string;
  /** An open database to share, e.g. the SQLite event store's (`eventStore.database`). */
  readonly database?: Database.Database;
  /**
   * `normal` does not sync each commit to disk. The projection can lose its
   * last commits only on a power cut, and then takes them again from the
   * events after its checkpoint, which is written with its rows.
   * @defaultValue 'normal'
   */
  readonly synchronous?: 'full' | 'normal';
}

const META = `
  CREATE TABLE IF NOT EXISTS projection_generations (
    name TEXT PRIMARY KEY,
    live INTEGER NOT NULL
  );
`;

/** The projection's writes, done at once: what a commit hook needs (see SqliteEventStore). */
export interface SyncProjectionWriter {
  readCheckpoint(): Position | null;
  getStates(messageIds: readonly string[]): Map<string, DeliveryState>;
  commit(batch: ProjectionBatch): boolean;
}

/**
 * The live generation of the records table on one connection. Another
 * process sharing the file may rebuild the projection and swap in a new
 * generation; the swap drops the old table in the same transaction, so a
 * table held here is either live or gone. Gone, work on it fails with "no
 * such table", and runs again on the generation the database now names.
 */
class LiveTable implements SyncProjectionWriter {
  readonly #db: Database.Database;
  readonly #generation: Database.Statement;
  #table: RecordTable;

  constructor(db: Database.Database) {
    this.#db = db;
    db.exec(META);
    this.#generation = db.prepare(`SELECT live FROM projection_generations WHERE name = 'records'`);
    this.#table = this.#openLive();
  }

  /**
   * Opens the live generation's table. Reading which one it is and opening it
   * (which creates it if missing) happen in one write transaction, so that a
   * swap in another process cannot come between them and have this create
   * again the table the swap has just dropped.
   */
  #openLive(): RecordTable {
    return this.#db.transaction(() => new RecordTable(this.#db, this.liveGeneration())).immediate();
  }

  get generation(): number {
    return this.#table.generation;
  }

  /** The generation the database names live now. */
  liveGeneration(): number {
    const row = this.#generation.get() as { live: number } | undefined;
    return row?.live ?? 1;
  }

  run<T>(work: (table: RecordTable) => T): T {
    try {
      return work(this.#table);
    } catch (error) {
      if (!isMissingTable(error) || !this.followSwap()) throw error;
      return work(this.#table);
    }
  }

  /** Takes the live generation the database names; true if it moved. */
  followSwap(): boolean {
    if (this.liveGeneration() === this.#table.generation) return false;
    this.#table = this.#openLive();
    return true;
  }

  /** Makes `table` the live one here, once it has been swapped in. */
  use(table: RecordTable): void {
    this.#table = table;
  }

  readCheckpoint(): Position | null {
    return this.run((t) => t.readCheckpoint());
  }

  getStates(messageIds: readonly string[]): Map<string, DeliveryState> {
    return this.run((t) => t.getStates(messageIds));
  }

  commit(batch: ProjectionBatch): boolean {
    return this.run((t) => t.commit(batch));
  }
}

/**
 * The records projection in SQLite: one table per generation, so that a
 * rebuild fills a new table while the live one keeps serving, then swaps in
 * one transaction. The checkpoint is written in the same transaction as the
 * rows it covers.
 */
export class SqliteProjectionStore implements ProjectionStore {
  readonly database: Database.Database;
  readonly #ownsDatabase: boolean;
  readonly #live: LiveTable;

  constructor(options: SqliteProjectionStoreOptions = {}) {
    this.#ownsDatabase = options.database === undefined;
    this.database =
      options.database ??
      openDatabase(options.filename ?? ':memory:', {
        synchronous: options.synchronous ?? 'normal',
      });
    this.#live = new LiveTable(this.database);
  }

  /**
   * The projection's writes on another connection to the same file, such as
   * the SQLite event store's, so that they can commit in its transactions;
   * undefined when `database` is not this store's file.
   */
  writerOn(database: Database.Database): SyncProjectionWriter | undefined {
    if (database === this.database) return this.#live;
    const file = (db: Database.Database) => (db.memory ? undefined : resolve(db.name));
    const same = file(database) !== undefined && file(database) === file(this.database);
    return same ? new LiveTable(database) : undefined;
  }

  #onLive<T>(work: (table: RecordTable) => T): T {
    return this.#live.run(work);
  }

  readCheckpoint(): Promise<Position | null> {
    return Promise.resolve(this.#onLive((t) => t.readCheckpoint()));
  }

  getStates(messageIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    return Promise.resolve(this.#onLive((t) => t.getStates(messageIds)));
  }

  commit(batch: ProjectionBatch): Promise<boolean> {
    return Promise.resolve(this.#onLive((t) => t.commit(batch)));
  }

  async get(messageId: string): Promise<DeliveryState | undefined> {
    return this.#onLive((t) => t.get(messageId));
  }

  async findByProviderMessageKeys(providerId: string, keys: readonly string[]): Promise<string[]> {
    return this.#onLive((t) => t.findByProviderMessageKeys(providerId, keys));
  }

  async listDue(now: number, limit: number, shard?: Shard): Promise<string[]> {
    return this.#onLive((t) => t.listDue(now, limit, shard));
  }

  async list(options: ListOptions): Promise<DeliveryState[]> {
    return this.#onLive((t) => t.list(options));
  }

  async count(filter: RecordFilter): Promise<number> {
    return this.#onLive((t) => t.count(filter));
  }

  async countBy(filter: RecordFilter, groupBy: readonly CountByField[]): Promise<CountByRow[]> {
    return this.#onLive((t) => t.countBy(filter, groupBy));
  }

  async findParked(providerId: string, keys: readonly string[]): Promise<ParkedReceipt[]> {
    return this.#onLive((t) => t.findParked(providerId, keys));
  }

  async listParked(options: {
    limit: number;
    offset?: number;
    providerId?: string;
  }): Promise<ParkedReceipt[]> {
    return this.#onLive((t) => t.listParked(options));
  }

  async listExpiredParked(now: number, limit: number): Promise<ParkedReceipt[]> {
    return this.#onLive((t) => t.listExpiredParked(now, limit));
  }

  async beginRebuild(): Promise<RebuildTarget> {
    this.#live.followSwap();
    const base = this.#live.generation;
    const generation = base + 1;
    RecordTable.drop(this.database, generation);
    const table = new RecordTable(this.database, generation, false);
    // Both take the write lock first (IMMEDIATE): a transaction that read
    // before writing would fail at once, not wait, when another process
    // appends meanwhile.
    const locked = (work: () => void) => this.database.transaction(work).immediate();
    return {
      readCheckpoint: async () => table.readCheckpoint(),
      getStates: async (ids) => table.getStates(ids),
      commit: async (batch) => table.commit(batch),
      swapIn: async () => {
        table.createIndexes();
        locked(() => {
          const old = this.#live.liveGeneration();
          if (old !== base) {
            throw new ConflictError(
              `another rebuild swapped in generation ${old} meanwhile; expected to replace ${base}`,
            );
          }
          this.database
            .prepare(
              `INSERT INTO projection_generations (name, live) VALUES ('records', ?)
               ON CONFLICT (name) DO UPDATE SET live = excluded.live`,
            )
            .run(generation);
          RecordTable.drop(this.database, old);
        });
        this.#live.use(table);
      },
      abandon: async () =>
        locked(() => {
          if (this.#live.liveGeneration() !== generation)
            RecordTable.drop(this.database, generation);
        }),
    };
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase && this.database.open) this.database.close();
  }
}

function isMissingTable(error: unknown): boolean {
  return error instanceof Error && /no such table/i.test(error.message);
}
