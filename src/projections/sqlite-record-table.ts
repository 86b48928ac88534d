import type Database from 'better-sqlite3';
import {
  comparePositions,
  type Position,
  parsePosition,
  position,
} from '../eventstore/position.js';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { DeliveryState } from '../machines/state.js';
import { POLLABLE_STATUSES } from '../machines/status.js';
import { providerMessageKey } from '../receipts/message-id.js';
import { type ProjectionBatch, type Shard, shardHash, storedState } from './projection-store.js';
import {
  allowed,
  type CountByField,
  type CountByRow,
  type ListOptions,
  type RecordFilter,
} from './record-filter.js';

const COLUMN: Record<CountByField | 'messageId' | 'providerMessageId' | 'to' | 'from', string> = {
  messageId: 'message_id',
  providerId: 'provider_id',
  providerMessageId: 'provider_message_id',
  type: 'type',
  status: 'status',
  to: 'to_addr',
  from: 'from_addr',
};

const ORDER_COLUMN = { requestedAt: 'requested_at', statusUpdatedAt: 'status_updated_at' };

/**
 * One generation of the records table, its indexes and its checkpoint. What
 * a send recorded (provider, ids, type, numbers, requestedAt) never changes
 * afterwards, so an update rewrites only the status columns and the indexes
 * on them.
 */
export class RecordTable {
  readonly generation: number;
  readonly #db: Database.Database;
  readonly #name: string;
  readonly #parked: string;
  readonly #statements;
  readonly #commit: Database.Transaction<(batch: ProjectionBatch) => boolean>;

  static drop(db: Database.Database, generation: number): void {
    db.exec(`DROP TABLE IF EXISTS records_g${generation}`);
    db.exec(`DROP TABLE IF EXISTS parked_receipts_g${generation}`);
    db.prepare('DELETE FROM projection_checkpoints WHERE name = ?').run(`records_g${generation}`);
  }

  /**
   * @param withIndexes false for a table being rebuilt: rows load faster
   * without them, and `createIndexes` adds them before the swap.
   */
  constructor(db: Database.Database, generation: number, withIndexes = true) {
    this.#db = db;
    this.generation = generation;
    const t = `records_g${generation}`;
    this.#name = t;
    this.#parked = `parked_receipts_g${generation}`;
    const p = this.#parked;
    db.exec(`
      CREATE TABLE IF NOT EXISTS projection_checkpoints (
        name TEXT PRIMARY KEY,
        commit_position TEXT NOT NULL,
        prepare_position TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS ${t} (
        message_id TEXT NOT NULL UNIQUE,
        provider_id TEXT NOT NULL,
        provider_message_id TEXT NOT NULL,
        provider_message_key TEXT NOT NULL,
        type TEXT NOT NULL,
        status TEXT NOT NULL,
        to_addr TEXT NOT NULL,
        from_addr TEXT,
        requested_at INTEGER NOT NULL,
        status_updated_at INTEGER NOT NULL,
        due_at INTEGER,
        shard INTEGER NOT NULL,
        state TEXT NOT NULL
      );
      CREATE TABLE IF NOT EXISTS parked_receipts_g${generation} (
        receipt_key TEXT PRIMARY KEY,
        provider_id TEXT NOT NULL,
        provider_message_key TEXT NOT NULL,
        parked_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        log_order INTEGER NOT NULL,
        receipt TEXT NOT NULL
      );
    `);
    if (withIndexes) this.createIndexes();

    this.#statements = {
      upsert: db.prepare(
        `INSERT INTO ${t} (message_id, provider_id, provider_message_id, provider_message_key,
           type, status, to_addr, from_addr, requested_at, status_updated_at, due_at, shard, state)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (message_id) DO UPDATE SET
           status = excluded.status, status_updated_at = excluded.status_updated_at,
           due_at = excluded.due_at, state = excluded.state`,
      ),
      remove: db.prepare(`DELETE FROM ${t} WHERE message_id = ?`),
      exists: db.prepare(`SELECT 1 FROM ${t} LIMIT 0`),
      get: db.prepare(`SELECT state FROM ${t} WHERE message_id = ?`).pluck(),
      getMany: db
        .prepare(`SELECT state FROM ${t} WHERE message_id IN (SELECT value FROM json_each(?))`)
        .pluck(),
      byKeys: db
        .prepare(
          `SELECT message_id FROM ${t} WHERE provider_id = ?
           AND provider_message_key IN (SELECT value FROM json_each(?))`,
        )
        .pluck(),
      due: db
        .prepare(
          `SELECT message_id FROM ${t} WHERE due_at <= ? ORDER BY due_at, message_id LIMIT ?`,
        )
        .pluck(),
      dueInShard: db
        .prepare(
          `SELECT message_id FROM ${t} WHERE due_at <= ? AND shard % ? = ? ORDER BY due_at, message_id LIMIT ?`,
        )
        .pluck(),
      park: db.prepare(
        `INSERT OR REPLACE INTO ${p}
           (receipt_key, provider_id, provider_message_key, parked_at, expires_at, log_order,
            receipt)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      unpark: db.prepare(`DELETE FROM ${p} WHERE receipt_key = ?`),
      // Without ORDER BY: sorting in SQL opens a temporary b-tree even for
      // no rows, the usual answer; the few rows found are sorted here.
      findParkedByKey: db
        .prepare(
          `SELECT log_order, receipt_key, receipt FROM ${p}
           WHERE provider_id = ? AND provider_message_key = ?`,
        )
        .raw(true),
      findParked: db
        .prepare(
          `SELECT receipt FROM ${p} WHERE provider_id = ?
           AND provider_message_key IN (SELECT value FROM json_each(?))
           ORDER BY log_order, receipt_key`,
        )
        .pluck(),
      expiredParked: db
        .prepare(`SELECT receipt FROM ${p} WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`)
        .pluck(),
      checkpoint: db.prepare(
        'SELECT commit_position, prepare_position FROM projection_checkpoints WHERE name = ?',
      ),
      saveCheckpoint: db.prepare(
        `INSERT INTO projection_checkpoints (name, commit_position, prepare_position)
         VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET
         commit_position = excluded.commit_position, prepare_position = excluded.prepare_position`,
      ),
    };

    this.#commit = db.transaction((batch: ProjectionBatch) => {
      if (batch.expectedCheckpoint !== undefined) {
        const stored = this.readCheckpoint();
        const expected = batch.expectedCheckpoint;
        const same =
          stored === null || expected === null
            ? stored === expected
            : comparePositions(stored, expected) === 0;
        if (!same) return false;
      }
      for (const id of batch.deletes ?? []) this.#statements.remove.run(id);
      for (const state of batch.upserts) this.#upsert(state);
      for (const r of batch.parked ?? []) {
        this.#statements.park.run(
          r.receiptKey,
          r.providerId,
          r.providerMessageKey,
          r.parkedAt,
          r.expiresAt,
          logOrder(r),
          JSON.stringify(r),
        );
      }
      for (const key of batch.unparked ?? []) this.#statements.unpark.run(key);
      this.#statements.saveCheckpoint.run(
        this.#name,
        batch.checkpoint.commit.toString(),
        batch.checkpoint.prepare.toString(),
      );
      return true;
    });
  }

  /** The indexes behind due checks, receipt matching and listing. */
  createIndexes(): void {
    const t = this.#name;
    this.#db.exec(`
      CREATE INDEX IF NOT EXISTS ${t}_due ON ${t} (due_at, message_id) WHERE due_at IS NOT NULL;
      CREATE INDEX IF NOT EXISTS ${t}_provider ON ${t} (provider_id, provider_message_key);
      CREATE INDEX IF NOT EXISTS ${t}_requested ON ${t} (requested_at, message_id);
      CREATE INDEX IF NOT EXISTS ${t}_updated ON ${t} (status_updated_at, message_id);
      CREATE INDEX IF NOT EXISTS ${this.#parked}_key
        ON ${this.#parked} (provider_id, provider_message_key);
      CREATE INDEX IF NOT EXISTS ${this.#parked}_expiry ON ${this.#parked} (expires_at);
      CREATE INDEX IF NOT EXISTS ${this.#parked}_order ON ${this.#parked} (log_order, receipt_key);
    `);
  }

  readCheckpoint(): Position | null {
    const row = this.#statements.checkpoint.get(this.#name) as
      | { commit_position: string; prepare_position: string }
      | undefined;
    if (row) return position(BigInt(row.commit_position), BigInt(row.prepare_position));
    // No checkpoint: a fresh table, or one another process dropped when it
    // swapped in a rebuilt copy; then this fails with "no such table".
    this.#statements.exists.get();
    return null;
  }

  commit(batch: ProjectionBatch): boolean {
    return this.#commit.immediate(batch);
  }

  get(messageId: string): DeliveryState | undefined {
    const text = this.#statements.get.get(messageId) as string | undefined;
    return text === undefined ? undefined : JSON.parse(text);
  }

  getStates(messageIds: readonly string[]): Map<string, DeliveryState> {
    const found = new Map<string, DeliveryState>();
    if (messageIds.length === 0) return found;
    if (messageIds.length === 1) {
      const state = this.get(messageIds[0]!);
      if (state) found.set(state.messageId, state);
      return found;
    }
    for (const text of this.#statements.getMany.all(JSON.stringify(messageIds)) as string[]) {
      const state = JSON.parse(text) as DeliveryState;
      found.set(state.messageId, state);
    }
    return found;
  }

  findByProviderMessageKeys(providerId: string, keys: readonly string[]): string[] {
    return this.#statements.byKeys.all(providerId, JSON.stringify(keys)) as string[];
  }

  listDue(now: number, limit: number, shard?: Shard): string[] {
    return (
      shard
        ? this.#statements.dueInShard.all(now, shard.count, shard.index, limit)
        : this.#statements.due.all(now, limit)
    ) as string[];
  }

  findParked(providerId: string, keys: readonly string[]): ParkedReceipt[] {
    if (keys.length !== 1) {
      const rows = this.#statements.findParked.all(providerId, JSON.stringify(keys)) as string[];
      return rows.map((text) => JSON.parse(text));
    }
    const rows = this.#statements.findParkedByKey.all(providerId, keys[0]) as Array<
      [logOrder: number | bigint, receiptKey: string, receipt: string]
    >;
    if (rows.length > 1) {
      rows.sort(([a, keyA], [b, keyB]) => (a !== b ? (a < b ? -1 : 1) : keyA < keyB ? -1 : 1));
    }
    return rows.map(([, , text]) => JSON.parse(text));
  }

  listParked(options: { limit: number; offset?: number; providerId?: string }): ParkedReceipt[] {
    const where = options.providerId === undefined ? '' : 'WHERE provider_id = ?';
    const args = options.providerId === undefined ? [] : [options.providerId];
    const rows = this.#db
      .prepare(
        `SELECT receipt FROM ${this.#parked} ${where}
         ORDER BY log_order, receipt_key LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(...args, options.limit, options.offset ?? 0) as string[];
    return rows.map((text) => JSON.parse(text));
  }

  listExpiredParked(now: number, limit: number): ParkedReceipt[] {
    const rows = this.#statements.expiredParked.all(now, limit) as string[];
    return rows.map((text) => JSON.parse(text));
  }

  list(options: ListOptions): DeliveryState[] {
    const { where, args } = whereClause(options);
    const order = ORDER_COLUMN[options.orderBy ?? 'requestedAt'];
    const direction = options.orderDirection === 'asc' ? 'ASC' : 'DESC';
    const rows = this.#db
      .prepare(
        `SELECT state FROM ${this.#name} ${where}
         ORDER BY ${order} ${direction}, message_id ${direction} LIMIT ? OFFSET ?`,
      )
      .pluck()
      .all(...args, options.limit, options.offset ?? 0) as string[];
    return rows.map((text) => JSON.parse(text));
  }

  count(filter: RecordFilter): number {
    const { where, args } = whereClause(filter);
    return this.#db
      .prepare(`SELECT count(*) FROM ${this.#name} ${where}`)
      .pluck()
      .get(...args) as number;
  }

  countBy(filter: RecordFilter, groupBy: readonly CountByField[]): CountByRow[] {
    const { where, args } = whereClause(filter);
    if (groupBy.length === 0) return [{ key: {}, count: this.count(filter) }];
    const columns = groupBy.map((field) => `${COLUMN[field]} AS ${field}`).join(', ');
    const group = groupBy.map((field) => COLUMN[field]).join(', ');
    const rows = this.#db
      .prepare(`SELECT ${columns}, count(*) AS n FROM ${this.#name} ${where} GROUP BY ${group}`)
      .all(...args) as Array<Record<string, string | number>>;
    return rows.map((row) => {
      const key: CountByRow['key'] = {};
      for (const field of groupBy) key[field] = row[field] as string;
      return { key, count: row.n as number };
    });
  }

  #upsert(input: DeliveryState): void {
    const state = storedState(input);
    this.#statements.upsert.run(
      state.messageId,
      state.providerId,
      state.providerMessageId,
      providerMessageKey(state.providerMessageId),
      state.type,
      state.status,
      state.to,
      state.from ?? null,
      state.requestedAt,
      state.statusUpdatedAt,
      POLLABLE_STATUSES.has(state.status) ? state.nextCheckAt : null,
      shardHash(state.messageId),
      JSON.stringify(state),
    );
  }
}

/** A waiting receipt's place in the log (by its ReceiptParked event), else when it was parked. */
function logOrder(receipt: ParkedReceipt): bigint | number {
  const at = receipt.position === undefined ? undefined : parsePosition(receipt.position);
  return at === undefined ? receipt.parkedAt : at.commit;
}

function whereClause(filter: RecordFilter): { where: string; args: unknown[] } {
  const clauses: string[] = [];
  const args: unknown[] = [];
  for (const field of Object.keys(COLUMN) as Array<keyof typeof COLUMN>) {
    const values = allowed(filter[field] as string | readonly string[] | undefined);
    if (values === undefined) continue;
    clauses.push(`${COLUMN[field]} IN (SELECT value FROM json_each(?))`);
    args.push(JSON.stringify(values));
  }
  const ranges: Array<[string, Date | undefined, string]> = [
    ['requested_at', filter.requestedAtFrom, '>='],
    ['requested_at', filter.requestedAtTo, '<='],
    ['status_updated_at', filter.statusUpdatedAtFrom, '>='],
    ['status_updated_at', filter.statusUpdatedAtTo, '<='],
  ];
  for (const [column, value, op] of ranges) {
    if (value === undefined) continue;
    clauses.push(`${column} ${op} ?`);
    args.push(value.getTime());
  }
  return { where: clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '', args };
}
