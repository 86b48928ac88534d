import type { Position } from '../eventstore/position.js';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { DeliveryState } from '../machines/state.js';
import type { CountByField, CountByRow, ListOptions, RecordFilter } from './record-filter.js';

/** Polling is split among instances by a stable hash of the message id. */
export interface Shard {
  /** This instance's shard, from 0 to `count - 1`. */
  readonly index: number;
  readonly count: number;
}

/** One atomic write of the records projection: its rows and how far it has read. */
export interface ProjectionBatch {
  readonly upserts: readonly DeliveryState[];
  readonly deletes?: readonly string[];
  /** Receipts now waiting for their send. */
  readonly parked?: readonly ParkedReceipt[];
  /** Receipt keys no longer waiting: applied or expired. */
  readonly unparked?: readonly string[];
  /** The global position of the last event this batch applied. */
  readonly checkpoint: Position;
  /**
   * Write only if the stored checkpoint is still this one (null: none yet).
   * Another process writing the same projection moves it; the batch is then
   * not written, and the writer reads the checkpoint and rows again.
   */
  readonly expectedCheckpoint?: Position | null;
}

/** Where a projection writes: the live store, or a rebuild being filled. */
export interface ProjectionWriter {
  readCheckpoint(): Promise<Position | null>;
  getStates(messageIds: readonly string[]): Promise<Map<string, DeliveryState>>;
  /**
   * Writes the rows and the checkpoint together, all or nothing. False when
   * `expectedCheckpoint` was given and the stored checkpoint is another.
   */
  commit(batch: ProjectionBatch): Promise<boolean>;
}

/** A fresh copy of the projection, filled from position zero, then swapped in. */
export interface RebuildTarget extends ProjectionWriter {
  /** Replaces the live projection with this one, in one step. */
  swapIn(): Promise<void>;
  /** Drops the copy; the live projection stays as it was. */
  abandon(): Promise<void>;
}

/**
 * The projection store port: the records read model with its indexes (due
 * checks by time, provider message ids) and its checkpoint.
 */
export interface ProjectionStore extends ProjectionWriter {
  get(messageId: string): Promise<DeliveryState | undefined>;
  /** Message ids whose send had this provider and one of these normalized provider message ids. */
  findByProviderMessageKeys(providerId: string, keys: readonly string[]): Promise<string[]>;
  /** Ids of open messages whose next check is at or before `now`, earliest first. */
  listDue(now: number, limit: number, shard?: Shard): Promise<string[]>;
  list(options: ListOptions): Promise<DeliveryState[]>;
  count(filter: RecordFilter): Promise<number>;
  countBy(filter: RecordFilter, groupBy: readonly CountByField[]): Promise<CountByRow[]>;
  /** Receipts waiting for a send of this provider with one of these normalized ids. */
  findParked(providerId: string, keys: readonly string[]): Promise<ParkedReceipt[]>;
  /** Waiting receipts, oldest first. */
  listParked(options: {
    limit: number;
    offset?: number;
    providerId?: string;
  }): Promise<ParkedReceipt[]>;
  /** Waiting receipts whose time is up at `now`, oldest first. */
  listExpiredParked(now: number, limit: number): Promise<ParkedReceipt[]>;
  beginRebuild(): Promise<RebuildTarget>;
  close(): Promise<void>;
}

/** FNV-1a over the message id: the same shard in every process and on every machine. */
export function shardHash(messageId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < messageId.length; i++) {
    hash ^= messageId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function inShard(messageId: string, shard: Shard | undefined): boolean {
  return shard === undefined || shardHash(messageId) % shard.count === shard.index;
}

/** The row as stored: the state without what only the write side needs. */
export function storedState(state: DeliveryState): DeliveryState {
  if (state.receiptKeys === undefined) return state;
  const { receiptKeys: _, ...rest } = state;
  return rest;
}
