import { Readable } from 'node:stream';
import type { AllStreamResolvedEvent, AllStreamSubscription } from '@eventstore/db-client';
import { describe, expect, it } from 'vitest';
import { ConnectionFault, isTransient } from '../../src/eventstore/eventstoredb-errors.js';
import { type FeedItem, SubscriptionFeed } from '../../src/eventstore/eventstoredb-feed.js';

/** Stands in for the client's subscription: a readable of resolved events that emits `caughtUp`. */
function fakeSubscription() {
  const stream = new Readable({ objectMode: true, read() {} });
  let unsubscribed = false;
  const subscription = Object.assign(stream, {
    unsubscribe: async () => {
      unsubscribed = true;
    },
  }) as unknown as AllStreamSubscription & Readable;
  return { subscription, unsubscribed: () => unsubscribed };
}

function resolved(n: number): AllStreamResolvedEvent {
  return { commitPosition: BigInt(n) };
}

function describeItem(item: FeedItem): string[] {
  return item.kind === 'caught_up'
    ? ['caught up']
    : item.events.map((e) => `event ${e.commitPosition}`);
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('SubscriptionFeed', () => {
  it('should place caught-up after the events the client still held back', async () => {
    const { subscription } = fakeSubscription();
    const feed = new SubscriptionFeed(subscription);
    subscription.push(resolved(1));
    await tick();

    // The client's stream is paused (backpressure) while it transforms two more
    // events and then the caught-up message: the events wait in its buffer.
    subscription.pause();
    subscription.push(resolved(2));
    subscription.push(resolved(3));
    subscription.emit('caughtUp');
    subscription.push(resolved(4));

    const items: string[] = [];
    while (items.length < 5) items.push(...describeItem(await feed.next(10)));

    expect(items).toEqual(['event 1', 'event 2', 'event 3', 'caught up', 'event 4']);
  });

  it('should hand over the events received before a fault, then throw it', async () => {
    const { subscription } = fakeSubscription();
    const feed = new SubscriptionFeed(subscription);
    subscription.push(resolved(1));
    await tick();

    subscription.destroy(new Error('14 UNAVAILABLE: Connection dropped'));

    expect(describeItem(await feed.next(10))).toEqual(['event 1']);
    await expect(feed.next(10)).rejects.toThrow('Connection dropped');
  });

  it('should treat the server ending the subscription as a retryable fault', async () => {
    const { subscription } = fakeSubscription();
    const feed = new SubscriptionFeed(subscription);

    subscription.push(null);
    subscription.resume();

    const fault = await feed.next(10).catch((error: unknown) => error);
    expect(fault).toBeInstanceOf(ConnectionFault);
    expect(isTransient(fault)).toBe(true);
  });

  it('should hand over at most the asked number of events per batch', async () => {
    const { subscription } = fakeSubscription();
    const feed = new SubscriptionFeed(subscription);
    for (let n = 1; n <= 5; n++) subscription.push(resolved(n));
    await tick();

    expect(describeItem(await feed.next(2))).toEqual(['event 1', 'event 2']);
    expect(describeItem(await feed.next(10))).toEqual(['event 3', 'event 4', 'event 5']);
  });

  it('should cancel the subscription on close and hand nothing more over', async () => {
    const { subscription, unsubscribed } = fakeSubscription();
    const feed = new SubscriptionFeed(subscription);
    subscription.push(resolved(1));
    await tick();

    await feed.close();

    expect(unsubscribed()).toBe(true);
    await expect(feed.next(10)).rejects.toThrow('closed');
  });
});
