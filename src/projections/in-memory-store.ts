import { comparePositions, type Position, parsePosition } from '../eventstore/position.js';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { DeliveryState } from '../machines/state.js';
import { POLLABLE_STATUSES } from '../machines/status.js';
import { providerMessageKey } from '../receipts/message-id.js';
import { DueQueue } from './due-queue.js';
import type {
  ProjectionBatch,
  ProjectionStore,
  ProjectionWriter,
  RebuildTarget,
  Shard,
} from './projection-store.js';
import { inShard, storedState } from './projection-store.js';
import type { CountByField, CountByRow, ListOptions, RecordFilter } from './record-filter.js';
import { compareRecords, countByRows, matchesFilter } from './record-query.js';

/** The projection's data: rows, indexes and checkpoint. */
class Tables implements ProjectionWriter {
  readonly rows = new Map<string, DeliveryState>();
  readonly byProviderKey = new Map<string, Set<string>>();
  readonly due = new DueQueue();
  readonly parked = new Map<string, ParkedReceipt>();
  checkpoint: Position | null = null;

  async readCheckpoint(): Promise<Position | null> {
    return this.checkpoint;
  }

  async getStates(messageIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    const found = new Map<string, DeliveryState>();
    for (const id of messageIds) {
      const row = this.rows.get(id);
      if (row) found.set(id, row);
    }
    return found;
  }

  async commit(batch: ProjectionBatch): Promise<boolean> {
    if (
      batch.expectedCheckpoint !== undefined &&
      !samePosition(batch.expectedCheckpoint, this.checkpoint)
    ) {
      return false;
    }
    for (const id of batch.deletes ?? []) this.#remove(id);
    for (const state of batch.upserts) this.#put(storedState(state));
    for (const receipt of batch.parked ?? []) this.parked.set(receipt.receiptKey, receipt);
    for (const key of batch.unparked ?? []) this.parked.delete(key);
    this.checkpoint = batch.checkpoint;
    return true;
  }

  #put(state: DeliveryState): void {
    const before = this.rows.get(state.messageId);
    if (before && before.providerMessageId !== state.providerMessageId) {
      this.byProviderKey.get(keyOf(before))?.delete(before.messageId);
    }
    this.rows.set(state.messageId, state);
    const key = keyOf(state);
    const ids = this.byProviderKey.get(key) ?? new Set<string>();
    this.byProviderKey.set(key, ids);
    ids.add(state.messageId);
    if (POLLABLE_STATUSES.has(state.status)) this.due.schedule(state.messageId, state.nextCheckAt);
  }

  #remove(messageId: string): void {
    const before = this.rows.get(messageId);
    if (!before) return;
    this.rows.delete(messageId);
    this.byProviderKey.get(keyOf(before))?.delete(messageId);
  }
}

/** Log order of a waiting receipt (by its ReceiptParked event), else the time it was parked. */
function parkedOrder(receipt: ParkedReceipt): number {
  const at = receipt.position === undefined ? undefined : parsePosition(receipt.position);
  return at === undefined ? receipt.parkedAt : Number(at.commit);
}

function samePosition(a: Position | null, b: Position | null): boolean {
  return a === null || b === null ? a === b : comparePositions(a, b) === 0;
}

function keyOf(state: DeliveryState): string {
  return `${state.providerId}\u0000${providerMessageKey(state.providerMessageId)}`;
}

/** The records projection held in memory: for tests and the in-memory library default. */
export class InMemoryProjectionStore implements ProjectionStore {
  #tables = new Tables();

  readCheckpoint(): Promise<Position | null> {
    return this.#tables.readCheckpoint();
  }

  getStates(messageIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    return this.#tables.getStates(messageIds);
  }

  commit(batch: ProjectionBatch): Promise<boolean> {
    return this.#tables.commit(batch);
  }

  async get(messageId: string): Promise<DeliveryState | undefined> {
    return this.#tables.rows.get(messageId);
  }

  async findByProviderMessageKeys(providerId: string, keys: readonly string[]): Promise<string[]> {
    const found = new Set<string>();
    for (const key of keys) {
      for (const id of this.#tables.byProviderKey.get(`${providerId}\u0000${key}`) ?? []) {
        found.add(id);
      }
    }
    return [...found];
  }

  async listDue(now: number, limit: number, shard?: Shard): Promise<string[]> {
    const rows = this.#tables.rows;
    return this.#tables.due.takeDue(now, limit, (id, at) => {
      const row = rows.get(id);
      if (row === undefined || row.nextCheckAt !== at || !POLLABLE_STATUSES.has(row.status)) {
        return 'stale';
      }
      return inShard(id, shard) ? 'take' : 'skip';
    });
  }

  async list(options: ListOptions): Promise<DeliveryState[]> {
    const offset = options.offset ?? 0;
    return [...this.#tables.rows.values()]
      .filter((row) => matchesFilter(row, options))
      .sort(compareRecords(options.orderBy ?? 'requestedAt', options.orderDirection ?? 'desc'))
      .slice(offset, offset + options.limit);
  }

  async count(filter: RecordFilter): Promise<number> {
    let n = 0;
    for (const row of this.#tables.rows.values()) if (matchesFilter(row, filter)) n++;
    return n;
  }

  async countBy(filter: RecordFilter, groupBy: readonly CountByField[]): Promise<CountByRow[]> {
    return countByRows(
      [...this.#tables.rows.values()].filter((row) => matchesFilter(row, filter)),
      groupBy,
    );
  }

  async findParked(providerId: string, keys: readonly string[]): Promise<ParkedReceipt[]> {
    return this.#parkedOldestFirst().filter(
      (r) => r.providerId === providerId && keys.includes(r.providerMessageKey),
    );
  }

  async listParked(options: {
    limit: number;
    offset?: number;
    providerId?: string;
  }): Promise<ParkedReceipt[]> {
    const offset = options.offset ?? 0;
    return this.#parkedOldestFirst()
      .filter((r) => options.providerId === undefined || r.providerId === options.providerId)
      .slice(offset, offset + options.limit);
  }

  async listExpiredParked(now: number, limit: number): Promise<ParkedReceipt[]> {
    return this.#parkedOldestFirst()
      .filter((r) => r.expiresAt <= now)
      .slice(0, limit);
  }

  // TODO: a scan; waiting receipts are few, but an index would keep a flood of them cheap.
  #parkedOldestFirst(): ParkedReceipt[] {
    return [...this.#tables.parked.values()].sort((a, b) => parkedOrder(a) - parkedOrder(b));
  }

  async beginRebuild(): Promise<RebuildTarget> {
    const fresh = new Tables();
    const swapIn = async () => {
      this.#tables = fresh;
    };
    return Object.assign(fresh, { swapIn, abandon: async () => {} });
  }

  async close(): Promise<void> {}
}
