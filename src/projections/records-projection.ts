import { ServiceClosedError } from '../errors.js';
import type { EventStore, RecordedEvent, Subscription } from '../eventstore/event-store.js';
import { matchesFilter } from '../eventstore/filter.js';
import {
  comparePositions,
  formatPosition,
  type Position,
  parsePosition,
} from '../eventstore/position.js';
import type { CommitHook } from '../eventstore/sqlite.js';
import type { Logger } from '../logger.js';
import { RETENTION_STREAM, STREAM_PREFIX } from '../machines/events.js';
import {
  PARKING_PREFIX,
  type ParkedReceipt,
  type ParkingEvent,
  receiptKeyOf,
} from '../machines/parked-receipt.js';
import { type DeliveryState, evolve } from '../machines/state.js';
import { BufferedWriter } from './buffered-writer.js';
import type { ChangeFeed, StatusChange } from './change-feed.js';
import { statusChangeOf, toDeliveryEvent } from './delivery-events.js';
import type { ProjectionStore, ProjectionWriter } from './projection-store.js';
import type { SyncProjectionWriter } from './sqlite-store.js';

export interface RebuildProgress {
  /** Events applied to the new projection so far. */
  readonly applied: number;
  /**
   * Events in the store when the rebuild started, where the store can count
   * them cheaply (SQLite, in memory); otherwise absent.
   */
  readonly total?: number;
}

interface Waiter {
  readonly position: Position;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

const FILTER = { streamPrefixes: [STREAM_PREFIX, PARKING_PREFIX, RETENTION_STREAM] };
const RESUBSCRIBE_DELAYS_MS = [100, 500, 2000, 5000];
/**
 * Events a rebuild takes per transaction: large pages write each message's
 * row about once, where its events span one page rather than several.
 */
const REBUILD_PAGE = 5000;
/**
 * Rows a rebuild holds in memory before writing them (see BufferedWriter):
 * some 100 MB at about 2 KB a row.
 */
export const DEFAULT_REBUILD_BUFFER_ROWS = 50_000;

export interface RebuildOptions {
  /** Told after each page of events applied. */
  readonly onProgress?: (progress: RebuildProgress) => void;
  /**
   * How many rows to hold in memory before writing them to the new copy:
   * more rows, fewer writes of one message's row.
   * @defaultValue 50000
   */
  readonly bufferRows?: number;
}

/**
 * Keeps the records projection: follows the event store from the
 * projection's checkpoint, folds each message's events into its record with
 * `evolve`, keeps the receipts still waiting for their send, and writes rows
 * and checkpoint together. Publishes the status changes it applies, and lets
 * callers wait until it has reached a position.
 */
export class RecordsProjection {
  readonly #events: EventStore;
  readonly #store: ProjectionStore;
  readonly #feed: ChangeFeed;
  readonly #log: Logger;
  #subscription: Subscription | undefined;
  #position: Position | null = null;
  #waiters: Waiter[] = [];
  #lock: Promise<unknown> = Promise.resolve();
  #stopped = true;
  #failures = 0;
  /** Batches and rebuild steps queued or under way (see #exclusive). */
  #queued = 0;
  readonly #onLag: ((seconds: number) => void) | undefined;

  /** @param onLag told after each live batch how many seconds its last event waited. */
  constructor(
    events: EventStore,
    store: ProjectionStore,
    feed: ChangeFeed,
    log: Logger,
    onLag?: (seconds: number) => void,
  ) {
    this.#events = events;
    this.#store = store;
    this.#feed = feed;
    this.#log = log;
    this.#onLag = onLag;
  }

  /** The last position applied, null before the first event. */
  get position(): Position | null {
    return this.#position;
  }

  /** Starts following the store; resolves once caught up with it. */
  async start(): Promise<void> {
    this.#stopped = false;
    this.#position = await this.#store.readCheckpoint();
    await this.#subscribe();
  }

  /** Stops following the store; whoever still waits for a position is told it never comes. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#subscription?.close();
    this.#subscription = undefined;
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new ServiceClosedError());
  }

  /** Resolves when the projection has applied the event at `position`. */
  waitFor(position: Position): Promise<void> {
    if (this.#position !== null && comparePositions(this.#position, position) >= 0) {
      return Promise.resolve();
    }
    if (this.#stopped) return Promise.reject(new ServiceClosedError());
    return new Promise((resolve, reject) => {
      this.#waiters.push({ position, resolve, reject });
    });
  }

  /**
   * Builds the projection again from position zero into a fresh copy, then
   * swaps it in; reads keep using the old copy until the swap.
   */
  async rebuild(options: RebuildOptions = {}): Promise<RebuildProgress> {
    const { onProgress, bufferRows = DEFAULT_REBUILD_BUFFER_ROWS } = options;
    const total = await this.#events.countEvents?.(FILTER);
    const target = await this.#store.beginRebuild();
    const writer = new BufferedWriter(target, bufferRows);
    let applied = 0;
    // The copy never goes past what the live projection has applied: later
    // events reach it through the live subscription after the swap, so that
    // their changes are published once, as usual.
    const fill = async (): Promise<void> => {
      for (;;) {
        const upTo = this.#position;
        const after = await writer.readCheckpoint();
        if (upTo === null || (after !== null && comparePositions(after, upTo) >= 0)) return;
        const page = await this.#events.readAll({ after, maxCount: REBUILD_PAGE, filter: FILTER });
        const wanted = page.filter((e) => comparePositions(e.position, upTo) <= 0);
        if (wanted.length === 0) return;
        await this.#apply(writer, wanted, false);
        applied += wanted.length;
        onProgress?.(progress(applied, total));
      }
    };

    try {
      await fill();
      // The last stretch and the swap happen while live updates wait, so
      // that no event is applied to the old copy after the new one read it.
      await this.#exclusive(async () => {
        await fill();
        await writer.flush();
        await target.swapIn();
      });
    } catch (error) {
      await target.abandon();
      throw error;
    }
    this.#log.info({ events: applied }, 'projection rebuilt');
    return progress(applied, total);
  }

  async #subscribe(): Promise<void> {
    const subscription = this.#events.subscribeToAll(
      {
        onEvents: (events) => this.#exclusive(() => this.#apply(this.#store, events, true)),
        onError: (error) => this.#resubscribeLater(error),
      },
      { after: this.#position, filter: FILTER },
    );
    this.#subscription = subscription;
    await subscription.caughtUp;
    this.#failures = 0;
  }

  #resubscribeLater(error: Error): void {
    if (this.#stopped) return;
    const delay =
      RESUBSCRIBE_DELAYS_MS[Math.min(this.#failures, RESUBSCRIBE_DELAYS_MS.length - 1)]!;
    this.#failures++;
    this.#log.error(
      {
        err: error,
        retryInMs: delay,
        checkpoint: this.#position && formatPosition(this.#position),
      },
      'projection subscription failed; resubscribing from the checkpoint',
    );
    setTimeout(() => {
      if (this.#stopped) return;
      this.#subscribe().catch((e: Error) => this.#resubscribeLater(e));
    }, delay).unref();
  }

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    this.#queued++;
    const run = this.#lock.then(work).finally(() => {
      this.#queued--;
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /**
   * Work for a commit hook of the event store (see SqliteEventStore): applies
   * appended events inside the transaction that appends them, through
   * `writer`, a connection of that transaction. It does so only where this
   * projection is exactly at the head of the log and nothing else is under
   * way; otherwise it leaves the events to the subscription, as always.
   */
  inline(writer: SyncProjectionWriter): CommitHook {
    return (appended) => {
      if (this.#stopped || this.#queued > 0 || this.#position === null) return undefined;
      const first = appended[0];
      if (first === undefined || first.position.commit !== this.#position.commit + 1n) {
        return undefined;
      }
      const wanted = appended.filter((e) => matchesFilter(e.streamId, FILTER));
      if (wanted.length === 0) return undefined;
      const stored = writer.readCheckpoint();
      if (stored === null || comparePositions(stored, this.#position) !== 0) return undefined;

      // The append's transaction holds the write lock: the checkpoint just
      // read stays where it is until this commits.
      const fold = this.#foldInto(writer.getStates(deliveryIds(wanted)), wanted);
      const last = wanted[wanted.length - 1]!.position;
      writer.commit({ ...fold.batch, checkpoint: last });
      return () => this.#advance(last, fold.changes, wanted);
    };
  }

  /**
   * Applies a batch of events. Live batches are written only if the stored
   * checkpoint is still where this projection left it: another process
   * writing the same projection file may have moved it, and then this one
   * takes only the events after the stored checkpoint, from the stored rows.
   */
  async #apply(target: ProjectionWriter, events: readonly RecordedEvent[], live: boolean) {
    let from = live ? this.#position : await target.readCheckpoint();
    let pending = after(events, from);
    if (pending.length === 0) return;
    const last = pending[pending.length - 1]!.position;

    const start = from;
    // The changes this batch makes, by position. Folded again (see below),
    // a later fold's change replaces an earlier one's: it was folded from
    // rows that hold everything before it. Those up to `start` were
    // published already.
    const found = new Map<string, StatusChange>();
    for (;;) {
      const fold = await this.#fold(target, pending, live);
      for (const change of fold.changes) {
        if (isAfter(change, start)) found.set(change.position, change);
      }
      const written = await target.commit({
        ...fold.batch,
        checkpoint: last,
        ...(live && { expectedCheckpoint: from }),
      });
      if (written) break;
      const stored = await target.readCheckpoint();
      if (stored !== null && comparePositions(stored, last) >= 0) break;
      // Behind this batch: what lies between the stored checkpoint and the
      // batch's end is read from the store (a rebuild in another process may
      // have swapped in a copy that stops short of what this one applied).
      from = stored;
      pending = await this.#eventsBetween(stored, last);
    }
    if (!live) return;
    this.#advance(last, [...found.values()].sort(byPosition), events);
  }

  /** Marks `last` applied: releases who waits for it, and publishes the changes. */
  #advance(last: Position, changes: readonly StatusChange[], events: readonly RecordedEvent[]) {
    if (this.#position !== null && comparePositions(this.#position, last) >= 0) return;
    this.#position = last;
    this.#onLag?.((Date.now() - events[events.length - 1]!.recordedAt.getTime()) / 1000);
    this.#releaseWaiters();
    for (const change of changes) this.#feed.publish(change);
  }

  /** The projection's events after `from`, up to and including `to`. */
  async #eventsBetween(from: Position | null, to: Position): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    let cursor = from;
    for (;;) {
      const page = await this.#events.readAll({ after: cursor, maxCount: 1000, filter: FILTER });
      for (const event of page) {
        if (comparePositions(event.position, to) > 0) return events;
        events.push(event);
      }
      if (page.length < 1000) return events;
      cursor = page[page.length - 1]!.position;
    }
  }

  /** Folds events into the rows they touch, from the rows the target holds. */
  async #fold(target: ProjectionWriter, events: readonly RecordedEvent[], withChanges: boolean) {
    return this.#foldInto(await target.getStates(deliveryIds(events)), events, withChanges);
  }

  /**
   * Folds events into the rows they touch, `states` holding those rows as
   * they are; with the status changes they make when `withChanges` (a
   * rebuild publishes none).
   */
  #foldInto(
    states: Map<string, DeliveryState>,
    events: readonly RecordedEvent[],
    withChanges = true,
  ) {
    const touched = new Map<string, DeliveryState>();
    const changes: StatusChange[] = [];
    const parked = new Map<string, ParkedReceipt>();
    const unparked = new Set<string>();
    const forgotten = new Set<string>();

    for (const recorded of events) {
      if (recorded.streamId.startsWith(PARKING_PREFIX)) {
        applyParking(recorded, parked, unparked);
        continue;
      }
      if (recorded.streamId === RETENTION_STREAM) {
        for (const id of (recorded.data.messageIds as string[] | undefined) ?? []) {
          forgotten.add(id);
          touched.delete(id);
          states.delete(id);
        }
        continue;
      }
      const event = toDeliveryEvent(recorded);
      if (event === undefined) {
        this.#log.warn(
          { type: recorded.type, streamId: recorded.streamId },
          'unknown event type skipped',
        );
        continue;
      }
      const messageId = recorded.streamId.slice(STREAM_PREFIX.length);
      let state: DeliveryState;
      try {
        state = evolve(states.get(messageId), event);
      } catch (error) {
        this.#log.warn(
          { err: error, messageId, type: event.type },
          'event does not fit the record; skipped',
        );
        // Another process may have written the row past this event already:
        // the change the event made is still this batch's to publish.
        const written = states.get(messageId);
        const change = withChanges && written && statusChangeOf(event, recorded, written);
        if (change) changes.push(change);
        continue;
      }
      states.set(messageId, state);
      touched.set(messageId, state);
      forgotten.delete(messageId);
      const change = withChanges && statusChangeOf(event, recorded, state);
      if (change) changes.push(change);
    }

    return {
      changes,
      batch: {
        upserts: [...touched.values()],
        deletes: [...forgotten],
        parked: [...parked.values()],
        unparked: [...unparked],
      },
    };
  }

  #releaseWaiters(): void {
    const reached = this.#position!;
    const waiting: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (comparePositions(reached, waiter.position) >= 0) waiter.resolve();
      else waiting.push(waiter);
    }
    this.#waiters = waiting;
  }
}

/** Folds one event of a waiting receipt's stream into the batch. */
function applyParking(
  recorded: RecordedEvent,
  parked: Map<string, ParkedReceipt>,
  unparked: Set<string>,
): void {
  const event = { type: recorded.type, data: recorded.data } as unknown as ParkingEvent;
  const key = receiptKeyOf(recorded.streamId);
  if (event.type === 'ReceiptParked') {
    parked.set(key, { ...event.data, position: formatPosition(recorded.position) });
    unparked.delete(key);
  } else if (event.type === 'ParkedReceiptApplied' || event.type === 'ParkedReceiptExpired') {
    parked.delete(key);
    unparked.add(key);
  }
}

function isAfter(change: StatusChange, start: Position | null): boolean {
  return start === null || comparePositions(parsePosition(change.position)!, start) > 0;
}

function byPosition(a: StatusChange, b: StatusChange): number {
  return comparePositions(parsePosition(a.position)!, parsePosition(b.position)!);
}

/** The messages whose streams the events are of. */
function deliveryIds(events: readonly RecordedEvent[]): string[] {
  const ids = new Set<string>();
  for (const e of events) {
    if (e.streamId.startsWith(STREAM_PREFIX)) ids.add(e.streamId.slice(STREAM_PREFIX.length));
  }
  return [...ids];
}

function after(events: readonly RecordedEvent[], from: Position | null): readonly RecordedEvent[] {
  return from === null ? events : events.filter((e) => comparePositions(e.position, from) > 0);
}

function progress(applied: number, total: number | undefined): RebuildProgress {
  return total === undefined ? { applied } : { applied, total: Math.max(total, applied) };
}
