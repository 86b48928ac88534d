import type { DeliveryStatus } from '../machines/status.js';

/** One status change of one message, as subscribers see it. */
export interface StatusChange {
  readonly messageId: string;
  readonly providerId: string;
  /** Null for the status a message got when its send was recorded. */
  readonly previousStatus: DeliveryStatus | null;
  readonly status: DeliveryStatus;
  readonly changedAt: Date;
  /** What moved it: `send`, `check`, `receipt`, `tracking-timeout`, … */
  readonly cause: string;
  /** True when a later report settled a message that had ended UNKNOWN. */
  readonly settledLate?: boolean;
  /** Global position of the event, as `formatPosition` writes it. */
  readonly position: string;
}

export interface ChangeFilter {
  readonly messageId?: string;
  readonly providerId?: string;
  readonly status?: DeliveryStatus | readonly DeliveryStatus[];
}

type Listener = (change: StatusChange) => void;

interface Entry {
  readonly filter: ChangeFilter;
  readonly listener: Listener;
}

export function matchesChange(filter: ChangeFilter, change: StatusChange): boolean {
  if (filter.messageId !== undefined && filter.messageId !== change.messageId) return false;
  if (filter.providerId !== undefined && filter.providerId !== change.providerId) return false;
  if (filter.status !== undefined) {
    const statuses = typeof filter.status === 'string' ? [filter.status] : filter.status;
    if (!statuses.includes(change.status)) return false;
  }
  return true;
}

/**
 * Routes status changes to their listeners. Listeners are indexed by the
 * most selective field of their filter (message, then provider), so a change
 * costs the listeners that may want it, not every listener there is.
 */
export class ChangeFeed {
  readonly #unfiltered = new Set<Entry>();
  readonly #byMessage = new Map<string, Set<Entry>>();
  readonly #byProvider = new Map<string, Set<Entry>>();

  get listenerCount(): number {
    let n = this.#unfiltered.size;
    for (const set of this.#byMessage.values()) n += set.size;
    for (const set of this.#byProvider.values()) n += set.size;
    return n;
  }

  /** Adds a listener; the returned function removes it. */
  listen(filter: ChangeFilter, listener: Listener): () => void {
    const entry: Entry = { filter, listener };
    const [index, key] =
      filter.messageId !== undefined
        ? [this.#byMessage, filter.messageId]
        : filter.providerId !== undefined
          ? [this.#byProvider, filter.providerId]
          : [undefined, undefined];
    if (index === undefined) {
      this.#unfiltered.add(entry);
      return () => this.#unfiltered.delete(entry);
    }
    const set = index.get(key!) ?? new Set<Entry>();
    index.set(key!, set);
    set.add(entry);
    return () => {
      set.delete(entry);
      if (set.size === 0) index.delete(key!);
    };
  }

  publish(change: StatusChange): void {
    this.#deliver(this.#byMessage.get(change.messageId), change);
    this.#deliver(this.#byProvider.get(change.providerId), change);
    this.#deliver(this.#unfiltered, change);
  }

  #deliver(entries: Set<Entry> | undefined, change: StatusChange): void {
    if (!entries) return;
    for (const entry of [...entries]) {
      if (matchesChange(entry.filter, change)) entry.listener(change);
    }
  }
}
