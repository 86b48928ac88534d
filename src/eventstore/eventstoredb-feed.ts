import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { ConnectionFault } from './eventstoredb-errors.js';

export type FeedItem =
  | { readonly kind: 'events'; readonly events: readonly AllStreamResolvedEvent[] }
  | { readonly kind: 'caught_up' };

/** Above this many waiting events the feed pauses the subscription; below half it resumes. */
const HIGH_WATER = 1000;

/**
 * Turns a client subscription to `$all` into batches pulled one at a time,
 * with the server's `caughtUp` message in its place among them.
 *
 * The client emits `caughtUp` as soon as its stream transforms that message,
 * while events it transformed before may still wait in its buffer; so the
 * feed notes how many events precede the message (those received plus those
 * buffered) and hands `caught_up` over right after that many events.
 * A fault (or the server ending the call) is thrown by `next()` once the
 * events received before it have been handed over.
 */
export class SubscriptionFeed {
  readonly #subscription: AllStreamSubscription;
  readonly #queue: AllStreamResolvedEvent[] = [];
  #received = 0;
  #taken = 0;
  #caughtUpAt: number | undefined;
  #caughtUpTaken = false;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  #confirmed = false;

  constructor(subscription: AllStreamSubscription) {
    this.#subscription = subscription;
    subscription.on('data', (event: AllStreamResolvedEvent) => {
      this.#queue.push(event);
      this.#received++;
      if (this.#queue.length >= HIGH_WATER) subscription.pause();
      this.#notify();
    });
    subscription.on('caughtUp', () => {
      this.#caughtUpAt ??= this.#received + subscription.readableLength;
      this.#notify();
    });
    subscription.on('confirmation', () => {
      this.#confirmed = true;
      this.#notify();
    });
    subscription.on('error', (error: Error) => this.#fail(error));
    subscription.on('end', () => {
      this.#fail(new ConnectionFault('the server ended the subscription'));
    });
  }

  /** Whether the server has confirmed the subscription (it is reachable and reading). */
  get confirmed(): boolean {
    return this.#confirmed;
  }

  /** The next batch (at most `maxEvents`) or `caught_up`, waiting for either. */
  async next(maxEvents: number): Promise<FeedItem> {
    for (;;) {
      if (this.#caughtUpAt !== undefined && !this.#caughtUpTaken) {
        if (this.#taken >= this.#caughtUpAt) {
          this.#caughtUpTaken = true;
          return { kind: 'caught_up' };
        }
        maxEvents = Math.min(maxEvents, this.#caughtUpAt - this.#taken);
      }
      if (this.#queue.length > 0) {
        const events = this.#queue.splice(0, maxEvents);
        this.#taken += events.length;
        if (this.#subscription.isPaused() && this.#queue.length < HIGH_WATER / 2) {
          this.#subscription.resume();
        }
        return { kind: 'events', events };
      }
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  /** Ends the feed with a fault of the caller's, e.g. a deadline that passed. */
  abandon(error: Error): void {
    this.#fail(error);
  }

  /** Cancels the subscription on the server; the feed hands nothing more over. */
  async close(): Promise<void> {
    this.#fail(new Error('the subscription was closed'));
    this.#queue.length = 0;
    // Unsubscribing a call that never started fails; there is nothing to cancel then.
    await this.#subscription.unsubscribe().catch(() => {});
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
