import type { Position } from '../eventstore/position.js';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { DeliveryState } from '../machines/state.js';
import type { ProjectionBatch, ProjectionWriter } from './projection-store.js';

/**
 * Holds a rebuild's batches in memory and writes them to the rebuild's copy
 * together, so that a message whose events span many pages is written about
 * once. Nothing is lost by holding them: a rebuild cut short is started over.
 */
export class BufferedWriter implements ProjectionWriter {
  readonly #target: ProjectionWriter;
  readonly #limit: number;
  readonly #states = new Map<string, DeliveryState>();
  readonly #deleted = new Set<string>();
  readonly #parked = new Map<string, ParkedReceipt>();
  readonly #unparked = new Set<string>();
  #checkpoint: Position | null | undefined;

  /** @param limit how many rows to hold before writing them */
  constructor(target: ProjectionWriter, limit: number) {
    this.#target = target;
    this.#limit = limit;
  }

  async readCheckpoint(): Promise<Position | null> {
    return this.#checkpoint !== undefined ? this.#checkpoint : this.#target.readCheckpoint();
  }

  async getStates(messageIds: readonly string[]): Promise<Map<string, DeliveryState>> {
    const found = new Map<string, DeliveryState>();
    const missing: string[] = [];
    for (const id of messageIds) {
      const held = this.#states.get(id);
      if (held) found.set(id, held);
      else if (!this.#deleted.has(id)) missing.push(id);
    }
    if (missing.length > 0) {
      for (const [id, state] of await this.#target.getStates(missing)) found.set(id, state);
    }
    return found;
  }

  async commit(batch: ProjectionBatch): Promise<boolean> {
    for (const id of batch.deletes ?? []) {
      this.#states.delete(id);
      this.#deleted.add(id);
    }
    for (const state of batch.upserts) {
      this.#deleted.delete(state.messageId);
      this.#states.set(state.messageId, state);
    }
    for (const receipt of batch.parked ?? []) {
      this.#unparked.delete(receipt.receiptKey);
      this.#parked.set(receipt.receiptKey, receipt);
    }
    for (const key of batch.unparked ?? []) {
      this.#parked.delete(key);
      this.#unparked.add(key);
    }
    this.#checkpoint = batch.checkpoint;
    if (this.#states.size + this.#parked.size >= this.#limit) await this.flush();
    return true;
  }

  /** Writes what it holds, with the checkpoint of the last batch it took. */
  async flush(): Promise<void> {
    if (this.#checkpoint === undefined || this.#checkpoint === null) return;
    await this.#target.commit({
      upserts: [...this.#states.values()],
      deletes: [...this.#deleted],
      parked: [...this.#parked.values()],
      unparked: [...this.#unparked],
      checkpoint: this.#checkpoint,
    });
    this.#states.clear();
    this.#deleted.clear();
    this.#parked.clear();
    this.#unparked.clear();
    this.#checkpoint = undefined;
  }
}
