import type Database from 'better-sqlite3';
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

/**
 * The records projection in SQLite: one table per generation, so that a
 * rebuild fills a new table while the live one keeps serving, then swaps in
 * one transaction. The checkpoint is written in the same transaction as the
 * rows it covers.
 */
export class SqliteProjectionStore implements ProjectionStore {
  readonly database: Database.Database;
  readonly #ownsDatabase: boolean;
  #live: RecordTable;
  readonly #generation: Database.Statement;

  constructor(options: SqliteProjectionStoreOptions = {}) {
    this.#ownsDatabase = options.database === undefined;
    this.database =
      options.database ??
      openDatabase(options.filename ?? ':memory:', {
        synchronous: options.synchronous ?? 'normal',
      });
    this.database.exec(META);
    this.#generation = this.database.prepare(
      `SELECT live FROM projection_generations WHERE name = 'records'`,
    );
    this.#live = new RecordTable(this.database, this.#liveGeneration());
  }

  /**
   * The live table, as the database says now: another process sharing the
   * file may have rebuilt the projection and swapped in a new generation.
   */
  get #table(): RecordTable {
    const generation = this.#liveGeneration();
    if (generation !== this.#live.generation) {
      this.#live = new RecordTable(this.database, generation);
    }
    return this.#live;
  }

  readCheckpoint(): Promise<Position | null> {
    return Promise.resolve(this.#table.readCheckpoint());
  }

  getStates(messageIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    return Promise.resolve(this.#table.getStates(messageIds));
  }

  commit(batch: ProjectionBatch): Promise<boolean> {
    return Promise.resolve(this.#table.commit(batch));
  }

  async get(messageId: string): Promise<DeliveryState | undefined> {
    return this.#table.get(messageId);
  }

  async findByProviderMessageKeys(providerId: string, keys: readonly string[]): Promise<string[]> {
    return this.#table.findByProviderMessageKeys(providerId, keys);
  }

  async listDue(now: number, limit: number, shard?: Shard): Promise<string[]> {
    return this.#table.listDue(now, limit, shard);
  }

  async list(options: ListOptions): Promise<DeliveryState[]> {
    return this.#table.list(options);
  }

  async count(filter: RecordFilter): Promise<number> {
    return this.#table.count(filter);
  }

  async countBy(filter: RecordFilter, groupBy: readonly CountByField[]): Promise<CountByRow[]> {
    return this.#table.countBy(filter, groupBy);
  }

  async findParked(providerId: string, keys: readonly string[]): Promise<ParkedReceipt[]> {
    return this.#table.findParked(providerId, keys);
  }

  async listParked(options: {
    limit: number;
    offset?: number;
    providerId?: string;
  }): Promise<ParkedReceipt[]> {
    return this.#table.listParked(options);
  }

  async listExpiredParked(now: number, limit: number): Promise<ParkedReceipt[]> {
    return this.#table.listExpiredParked(now, limit);
  }

  async beginRebuild(): Promise<RebuildTarget> {
    const generation = this.#table.generation + 1;
    RecordTable.drop(this.database, generation);
    const table = new RecordTable(this.database, generation, false);
    return {
      readCheckpoint: async () => table.readCheckpoint(),
      getStates: async (ids) => table.getStates(ids),
      commit: async (batch) => table.commit(batch),
      swapIn: async () => {
        table.createIndexes();
        const old = this.#table;
        this.database.transaction(() => {
          this.database
            .prepare(
              `INSERT INTO projection_generations (name, live) VALUES ('records', ?)
               ON CONFLICT (name) DO UPDATE SET live = excluded.live`,
            )
            .run(generation);
          RecordTable.drop(this.database, old.generation);
        })();
        this.#live = table;
      },
      abandon: async () => RecordTable.drop(this.database, generation),
    };
  }

  async close(): Promise<void> {
    if (this.#ownsDatabase && this.database.open) this.database.close();
  }

  #liveGeneration(): number {
    const row = this.#generation.get() as { live: number } | undefined;
    return row?.live ?? 1;
  }
}
