import { Observable } from 'rxjs';
import type { EventStore, RecordedEvent } from '../eventstore/event-store.js';
import { comparePositions, type Position, parsePosition } from '../eventstore/position.js';
import { messageIdOf, STREAM_PREFIX, streamIdOf } from '../machines/events.js';
import { type DeliveryState, evolve } from '../machines/state.js';
import {
  type ChangeFeed,
  type ChangeFilter,
  matchesChange,
  type StatusChange,
} from '../projections/change-feed.js';
import { statusChangeOf, toDeliveryEvent } from '../projections/delivery-events.js';
import { checkChangeOptions } from './validate-query.js';

export interface StatusChangeOptions extends ChangeFilter {
  /**
   * Replay the changes after this position (`"start"` for all of them)
   * before going live. Without it, only changes from now on are delivered.
   */
  readonly from?: 'start' | string | Position;
}

/**
 * An Observable of status changes: optionally a replay of past ones read from
 * the event store, then live ones from the projection's feed, with no gap
 * and no repeat between the two.
 */
export function statusChanges(
  events: EventStore,
  feed: ChangeFeed,
  ready: () => Promise<void>,
  options: StatusChangeOptions,
): Observable<StatusChange> {
  const { filter, from } = checkChangeOptions(options);
  const start: Position | null = from ?? null;
  return new Observable<StatusChange>((subscriber) => {
    let replaying = from !== undefined;
    let last: Position | null = start;
    const buffered: StatusChange[] = [];
    const deliver = (change: StatusChange) => {
      const at = parsePosition(change.position)!;
      if (last !== null && comparePositions(at, last) <= 0) return;
      last = at;
      subscriber.next(change);
    };
    const unlisten = feed.listen(filter, (change) => {
      if (replaying) buffered.push(change);
      else deliver(change);
    });

    // The projection feeds live changes: it must be running, replay or not.
    ready()
      .then(async () => {
        if (!replaying) return;
        await replay(events, filter, last, (change) => !subscriber.closed && deliver(change));
        replaying = false;
        for (const change of buffered.splice(0)) {
          if (subscriber.closed) return;
          deliver(change);
        }
      })
      .catch((error: unknown) => subscriber.error(error));
    return unlisten;
  });
}

async function replay(
  events: EventStore,
  filter: ChangeFilter,
  after: Position | null,
  emit: (change: StatusChange) => void,
): Promise<void> {
  if (filter.messageId !== undefined) {
    const stream = await events.readStream(streamIdOf(filter.messageId));
    foldAndEmit(stream, new Map(), filter, after, emit);
    return;
  }
  // Changes need each message's state up to that event (for its provider), so
  // messages met mid-way are first folded from their own stream.
  const states = new Map<string, DeliveryState>();
  let cursor = after;
  for (;;) {
    const page = await events.readAll({
      after: cursor,
      maxCount: 1000,
      filter: { streamPrefixes: [STREAM_PREFIX] },
    });
    if (page.length === 0) return;
    for (const recorded of page) {
      const messageId = messageIdOf(recorded.streamId);
      if (!states.has(messageId) && recorded.revision > 0) {
        const earlier = await events.readStream(recorded.streamId, { maxCount: recorded.revision });
        foldAndEmit(earlier, states, {}, null, () => {});
      }
    }
    foldAndEmit(page, states, filter, after, emit);
    cursor = page[page.length - 1]!.position;
  }
}

function foldAndEmit(
  recordedEvents: readonly RecordedEvent[],
  states: Map<string, DeliveryState>,
  filter: ChangeFilter,
  after: Position | null,
  emit: (change: StatusChange) => void,
): void {
  for (const recorded of recordedEvents) {
    const event = toDeliveryEvent(recorded);
    if (!event) continue;
    const messageId = messageIdOf(recorded.streamId);
    let state: DeliveryState;
    try {
      state = evolve(states.get(messageId), event);
    } catch {
      continue;
    }
    states.set(messageId, state);
    if (after !== null && comparePositions(recorded.position, after) <= 0) continue;
    const change = statusChangeOf(event, recorded, state);
    if (change && matchesChange(filter, change)) emit(change);
  }
}
