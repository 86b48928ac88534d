import type {
  EventFilter,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.js';
import type { Position } from './position.js';

/** Reads one page of the global log after a position. */
export type ReadPage = (
  after: Position | null,
  maxCount: number,
  filter: EventFilter | undefined,
) => Promise<RecordedEvent[]>;

/** Something that says "the log may have grown": an in-process append, or a timer. */
export interface Wakeups {
  /** Resolves on the next wake-up, or after `timeoutMs`. */
  next(timeoutMs: number): Promise<void>;
}

/** A set of sleepers that one `wake()` releases together. */
export class WakeupSignal implements Wakeups {
  #waiters = new Set<() => void>();

  wake(): void {
    const waiters = [...this.#waiters];
    this.#waiters.clear();
    for (const resolve of waiters) resolve();
  }

  next(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#waiters.add(done);
    });
  }
}

const PAGE_SIZE = 1000;

/**
 * A catch-up subscription over a store that can read its log by page: it reads
 * until a page comes back short, says it has caught up, then sleeps until woken
 * and reads again. Batches are handed over one at a time, in log order.
 */
export function followLog(
  readPage: ReadPage,
  wakeups: Wakeups,
  handler: SubscriptionHandler,
  options: SubscribeOptions & { pollIntervalMs: number },
): Subscription {
  let closed = false;
  let after = options.after ?? null;
  let resolveCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => {
    resolveCaughtUp = resolve;
  });

  const run = async () => {
    let isCaughtUp = false;
    while (!closed) {
      const page = await readPage(after, PAGE_SIZE, options.filter);
      if (closed) return;
      if (page.length > 0) {
        await handler.onEvents(page);
        after = page[page.length - 1]!.position;
        if (page.length === PAGE_SIZE) continue;
      }
      if (!isCaughtUp) {
        isCaughtUp = true;
        resolveCaughtUp();
        handler.onCaughtUp?.();
      }
      await wakeups.next(options.pollIntervalMs);
    }
  };

  const running = run().catch((error: unknown) => {
    if (closed) return;
    closed = true;
    handler.onError?.(error instanceof Error ? error : new Error(String(error)));
  });

  return {
    caughtUp,
    async close() {
      closed = true;
      if (wakeups instanceof WakeupSignal) wakeups.wake();
      await running;
    },
  };
}
