import { EventStoreUnavailableError } from '../errors.js';
import type { Subscription, SubscriptionHandler } from './event-store.js';
import type { Admit } from './eventstoredb-admit.js';
import { ConnectionFault, isTransient } from './eventstoredb-errors.js';
import type { SubscriptionFeed } from './eventstoredb-feed.js';
import type { Position } from './position.js';

export interface ResubscribeOptions {
  /**
   * Failed attempts in a row after which the subscription gives up and calls
   * `onError`; `Infinity` never gives up. An attempt that delivers anything
   * starts the count again.
   * @defaultValue 30
   */
  readonly maxAttempts?: number;
  /** Wait before the first new attempt; each further one waits twice as long. @defaultValue 100 */
  readonly initialDelayMs?: number;
  /** The longest wait between attempts. @defaultValue 5000 */
  readonly maxDelayMs?: number;
}

/** What a subscription needs of the store. */
export interface FollowSource {
  /** Subscribes to `$all` after a position (exclusive), with the server-side filter. */
  open(after: Position | null): SubscriptionFeed;
  /** The events to hand over from a batch, and the position the batch ends at. */
  admit: Admit;
  /** The error to report for a fault, e.g. an EventStoreUnavailableError naming the node. */
  describe(error: unknown): Error;
  /** How long the server may take to confirm a subscription before the attempt counts as failed. */
  readonly confirmWithinMs: number;
}

/** Events handed to the handler at once, at most. */
const BATCH_SIZE = 500;

/** The handler threw: the subscription stops and reports it, without retrying. */
class HandlerFailed {
  constructor(readonly error: unknown) {}
}

/**
 * A catch-up subscription to `$all` that survives a dropped connection.
 *
 * Batches go to the handler one at a time, each awaited before the next. The
 * server's `caughtUp` message resolves `caughtUp` and calls `onCaughtUp`, once.
 * When the subscription drops (node restart, network fault, the server ending
 * it), it subscribes again after the last position it handed to the handler,
 * waiting longer after each failed attempt; events at or before that position
 * are never handed over again, so nothing is lost and nothing comes twice.
 * It gives up, calling `onError`, after `maxAttempts` failures in a row, on a
 * fault that retrying cannot cure (e.g. access denied), or when the handler
 * throws. `close()` ends it without calling `onError`.
 */
export class ResubscribingSubscription implements Subscription {
  readonly caughtUp: Promise<void>;
  readonly #source: FollowSource;
  readonly #handler: SubscriptionHandler;
  readonly #retry: Required<ResubscribeOptions>;
  readonly #running: Promise<void>;
  readonly #closing = new AbortController();
  #after: Position | null;
  #feed: SubscriptionFeed | undefined;
  #caughtUp = false;
  #resolveCaughtUp!: () => void;
  #rejectCaughtUp!: (error: Error) => void;

  constructor(
    source: FollowSource,
    handler: SubscriptionHandler,
    options: { after: Position | null; resubscribe?: ResubscribeOptions },
  ) {
    this.#source = source;
    this.#handler = handler;
    this.#after = options.after;
    this.#retry = {
      maxAttempts: options.resubscribe?.maxAttempts ?? 30,
      initialDelayMs: options.resubscribe?.initialDelayMs ?? 100,
      maxDelayMs: options.resubscribe?.maxDelayMs ?? 5000,
    };
    this.caughtUp = new Promise<void>((resolve, reject) => {
      this.#resolveCaughtUp = resolve;
      this.#rejectCaughtUp = reject;
    });
    // A caller that never awaits `caughtUp` must not see an unhandled rejection.
    this.caughtUp.catch(() => {});
    this.#running = this.#run().catch((error: unknown) => {
      if (!this.#closed) this.#giveUp(this.#source.describe(error));
    });
  }

  async close(): Promise<void> {
    this.#closing.abort();
    await this.#feed?.close();
    await this.#running;
  }

  get #closed(): boolean {
    return this.#closing.signal.aborted;
  }

  async #run(): Promise<void> {
    let failures = 0;
    while (!this.#closed) {
      const feed = this.#source.open(this.#after);
      this.#feed = feed;
      const unconfirmed = setTimeout(() => {
        const waited = `no confirmation within ${this.#source.confirmWithinMs} ms`;
        if (!feed.confirmed) feed.abandon(new ConnectionFault(waited));
      }, this.#source.confirmWithinMs);
      try {
        await this.#follow(feed, () => {
          failures = 0;
        });
        return;
      } catch (fault) {
        await feed.close();
        if (this.#closed) return;
        if (fault instanceof HandlerFailed) return this.#giveUp(asError(fault.error));
        if (!isTransient(fault)) return this.#giveUp(this.#source.describe(fault));

        failures++;
        if (failures >= this.#retry.maxAttempts) {
          const cause = this.#source.describe(fault);
          const gaveUp = `the subscription to $all gave up after ${failures} attempts`;
          return this.#giveUp(new EventStoreUnavailableError(`${gaveUp}: ${cause.message}`, cause));
        }
        await this.#pause(failures);
      } finally {
        clearTimeout(unconfirmed);
      }
    }
  }

  /** Hands batches over until closed; throws when the feed fails. */
  async #follow(feed: SubscriptionFeed, onProgress: () => void): Promise<void> {
    while (!this.#closed) {
      const item = await feed.next(BATCH_SIZE);
      if (this.#closed) return;
      onProgress();

      if (item.kind === 'caught_up') {
        this.#reportCaughtUp();
        continue;
      }
      const { events, last } = await this.#source.admit(item.events, this.#after);
      if (this.#closed) return;
      if (events.length > 0) {
        try {
          await this.#handler.onEvents(events);
        } catch (error) {
          throw new HandlerFailed(error);
        }
      }
      if (last) this.#after = last;
    }
  }

  #reportCaughtUp(): void {
    if (this.#caughtUp) return;
    this.#caughtUp = true;
    this.#resolveCaughtUp();
    this.#handler.onCaughtUp?.();
  }

  #giveUp(error: Error): void {
    this.#rejectCaughtUp(error);
    this.#handler.onError?.(error);
  }

  /** Waits before attempt `failures + 1`, or until closed. */
  #pause(failures: number): Promise<void> {
    const { initialDelayMs, maxDelayMs } = this.#retry;
    const delay = Math.min(maxDelayMs, initialDelayMs * 2 ** (failures - 1));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#closing.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      this.#closing.signal.addEventListener('abort', done);
    });
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
