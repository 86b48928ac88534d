import {
  BACKWARDS,
  END,
  type EventStoreDBClient,
  type ReadPosition,
  START,
  type StreamingRead,
} from '@eventstore/db-client';
import type { RecordedEvent } from './event-store.js';
import type { Admit } from './eventstoredb-admit.js';
import { toEsdbPosition } from './eventstoredb-events.js';
import type { SubscriptionFeed } from './eventstoredb-feed.js';
import { comparePositions, type Position } from './position.js';

/** Registers what to do when the call's deadline passes. */
export type OnCancel = (cancel: () => void) => void;

/** Reads a client read to its end; a deadline cancels it on the server. */
export async function collect<E>(read: StreamingRead<E>, onCancel: OnCancel): Promise<E[]> {
  onCancel(() => void read.cancel());
  const items: E[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** Records read per round trip when the page must skip server and deleted events. */
const READ_AHEAD = 100;

/**
 * One page of `$all` after a position, without a filter. The client's
 * `fromPosition` includes the event at that position, so each read starts at
 * the last position seen and drops what is not after it; reads go on until
 * the page is full or the log ends, since system events and deleted streams
 * may leave a read short.
 */
export async function readAllPage(
  client: EventStoreDBClient,
  admit: Admit,
  options: { after: Position | null; maxCount: number; onCancel: OnCancel },
): Promise<RecordedEvent[]> {
  const page: RecordedEvent[] = [];
  let after = options.after;
  while (page.length < options.maxCount) {
    const want = Math.max(options.maxCount - page.length + 1, READ_AHEAD);
    const fromPosition: ReadPosition = after ? toEsdbPosition(after) : START;
    const batch = await collect(client.readAll({ fromPosition, maxCount: want }), options.onCancel);
    const { events, last } = await admit(batch, after);
    page.push(...events);
    if (batch.length < want || !last) break;
    after = last;
  }
  return page.slice(0, options.maxCount);
}

/**
 * One page of `$all` after a position, filtered on the server by stream
 * prefix. The client's `readAll` takes no filter, so the page is read through
 * a short-lived filtered subscription that stops when the page is full or the
 * server says it has caught up (a message servers send from 23.10 on).
 */
export async function readFilteredPage(
  feed: SubscriptionFeed,
  admit: Admit,
  options: { after: Position | null; maxCount: number },
): Promise<RecordedEvent[]> {
  const page: RecordedEvent[] = [];
  let after = options.after;
  try {
    while (page.length < options.maxCount) {
      const item = await feed.next(options.maxCount - page.length);
      if (item.kind === 'caught_up') break;
      const { events, last } = await admit(item.events, after);
      page.push(...events);
      after = last ?? after;
    }
  } finally {
    await feed.close();
  }
  return page.slice(0, options.maxCount);
}

/**
 * The position of the last event in `$all` that a reader would be handed:
 * `$all` read backwards page by page until one is found.
 * TODO: the client (v6) reads `$all` backwards without a server-side filter, so
 * with a stream prefix this scans back until a matching stream's event; a
 * filtered backwards read (which the server supports) would avoid that.
 */
export async function findHead(
  client: EventStoreDBClient,
  admit: Admit,
  onCancel: OnCancel,
): Promise<Position | null> {
  let before: Position | null = null;
  for (;;) {
    const fromPosition: ReadPosition = before ? toEsdbPosition(before) : END;
    const read = client.readAll({ direction: BACKWARDS, fromPosition, maxCount: READ_AHEAD });
    const raw = await collect(read, onCancel);
    // Backwards from a position excludes it on the server; the filter makes sure of it.
    const batch = raw.filter(
      (resolved) =>
        !before || !resolved.event || comparePositions(resolved.event.position, before) < 0,
    );
    const { events } = await admit(batch, null);
    if (events[0]) return events[0].position;
    const oldest = batch.at(-1)?.event?.position;
    if (raw.length < READ_AHEAD || !oldest) return null;
    before = oldest;
  }
}
