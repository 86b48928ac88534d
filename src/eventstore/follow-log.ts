import type {
  EventFilter,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  SubscriptionHandler,
} from './event-store.js';
import { matchesFilter } from './filter.js';
import type { Position } from './position.js';

/** One page of the global log, and how far the read saw it whole. */
export interface LogPage {
  readonly events: RecordedEvent[];
  /** The log holds nothing else of interest up to this position. */
  readonly scannedTo: Position | null;
}

/** Reads one page of the global log after a position. */
export type ReadPage = (
  after: Position | null,
  maxCount: number,
  filter: EventFilter | undefined,
) => Promise<LogPage>;

/**
 * Something that says "the log may have grown": an append in this process,
 * which hands over what it appended, or a timer.
 */
export interface Wakeups {
  /** Resolves on the next wake-up, with the events just appended if there are any. */
  next(timeoutMs: number): Promise<readonly RecordedEvent[] | undefined>;
}

/**
 * Wakes subscriptions when the log grows. Each subscription has its own
 * mailbox, so that a wake-up that comes while it is busy is not lost: its
 * next wait then returns at once, and it reads the log.
 */
export class WakeupSignal {
  readonly #mailboxes = new Set<Mailbox>();

  /** A mailbox for one subscription; `close()` it when the subscription ends. */
  open(): Wakeups & { close(): void } {
    const mailbox = new Mailbox();
    this.#mailboxes.add(mailbox);
    return {
      next: (timeoutMs) => mailbox.next(timeoutMs),
      close: () => {
        this.#mailboxes.delete(mailbox);
        mailbox.deliver(undefined);
      },
    };
  }

  /** @param appended the events just appended, in log order and with no gap between them */
  wake(appended?: readonly RecordedEvent[]): void {
    for (const mailbox of this.#mailboxes) mailbox.deliver(appended);
  }
}

class Mailbox {
  #waiting: ((appended: readonly RecordedEvent[] | undefined) => void) | undefined;
  #missed = false;

  deliver(appended: readonly RecordedEvent[] | undefined): void {
    const waiting = this.#waiting;
    if (waiting) {
      this.#waiting = undefined;
      waiting(appended);
    } else {
      // Busy: what was appended is read from the log on the next turn.
      this.#missed = true;
    }
  }

  next(timeoutMs: number): Promise<readonly RecordedEvent[] | undefined> {
    if (this.#missed) {
      this.#missed = false;
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting = undefined;
        resolve(undefined);
      }, timeoutMs);
      this.#waiting = (appended) => {
        clearTimeout(timer);
        resolve(appended);
      };
    });
  }
}

const PAGE_SIZE = 1000;

/**
 * A catch-up subscription over a store that can read its log by page: it reads
 * until a page comes back short, says it has caught up, then sleeps until woken
 * and reads again. Batches are handed over one at a time, in log order.
 *
 * When an append in this process wakes it with events that follow right after
 * what it has seen (positions are consecutive: no other process wrote in
 * between), it takes them as they are and reads nothing.
 */
export function followLog(
  readPage: ReadPage,
  signal: WakeupSignal,
  handler: SubscriptionHandler,
  options: SubscribeOptions & { pollIntervalMs: number },
): Subscription {
  const wakeups = signal.open();
  let closed = false;
  let after = options.after ?? null;
  let resolveCaughtUp!: () => void;
  const caughtUp = new Promise<void>((resolve) => {
    resolveCaughtUp = resolve;
  });

  const run = async () => {
    let isCaughtUp = false;
    let scanned = after;
    let appended: readonly RecordedEvent[] | undefined;
    while (!closed) {
      if (appended !== undefined && isCaughtUp && followsOn(appended, scanned)) {
        const wanted = appended.filter((e) => matchesFilter(e.streamId, options.filter));
        if (wanted.length > 0) {
          await handler.onEvents(wanted);
          after = wanted[wanted.length - 1]!.position;
        }
        scanned = appended[appended.length - 1]!.position;
      } else {
        const page = await readPage(after, PAGE_SIZE, options.filter);
        if (closed) return;
        if (page.events.length > 0) {
          await handler.onEvents(page.events);
          after = page.events[page.events.length - 1]!.position;
        }
        scanned = page.scannedTo ?? after;
        if (page.events.length === PAGE_SIZE) continue;
      }
      if (!isCaughtUp) {
        isCaughtUp = true;
        resolveCaughtUp();
        handler.onCaughtUp?.();
      }
      appended = await wakeups.next(options.pollIntervalMs);
    }
  };

  const running = run()
    .catch((error: unknown) => {
      if (closed) return;
      closed = true;
      handler.onError?.(error instanceof Error ? error : new Error(String(error)));
    })
    .finally(() => wakeups.close());

  return {
    caughtUp,
    async close() {
      closed = true;
      wakeups.close();
      await running;
    },
  };
}

/** Whether `appended` starts right after `scanned` in a log of consecutive positions. */
function followsOn(appended: readonly RecordedEvent[], scanned: Position | null): boolean {
  const first = appended[0];
  if (first === undefined) return false;
  return first.position.commit === (scanned?.commit ?? 0n) + 1n;
}
