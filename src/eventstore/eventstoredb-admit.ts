import type { AllStreamResolvedEvent, EventStoreDBClient } from '@eventstore/db-client';
import type { EventFilter, RecordedEvent } from './event-store.js';
import { withoutTruncatedEvents } from './eventstoredb-deleted.js';
import { isSystemEvent, toRecordedEvent } from './eventstoredb-events.js';
import { matchesFilter } from './filter.js';
import { comparePositions, type Position } from './position.js';

/** Turns a batch read from `$all` into the events a reader is handed. */
export type Admit = (
  batch: readonly AllStreamResolvedEvent[],
  after: Position | null,
) => Promise<{ events: RecordedEvent[]; last: Position | null }>;

/**
 * What of a batch from `$all` a reader gets: the events after `after` (the
 * client's reads include the event at their start), not the server's own,
 * of the filter's streams and, when `hideDeleted`, not of a deleted stream.
 * `last` is where the batch ends, skipped events included, or null if none
 * of it lies after `after`.
 */
export function admitter(
  client: EventStoreDBClient,
  filter: EventFilter | undefined,
  hideDeleted: boolean,
): Admit {
  return async (batch, after) => {
    let last: Position | null = null;
    const events: RecordedEvent[] = [];
    for (const { event } of batch) {
      if (!event) continue;
      const recorded = toRecordedEvent(event);
      if (after && comparePositions(recorded.position, after) <= 0) continue;
      last = recorded.position;
      if (isSystemEvent(recorded) || !matchesFilter(recorded.streamId, filter)) continue;
      events.push(recorded);
    }
    const visible = hideDeleted ? await withoutTruncatedEvents(client, events) : events;
    return { events: visible, last };
  };
}
