import type { EventStoreDBClient } from '@eventstore/db-client';
import type { RecordedEvent } from './event-store.js';

/** Metadata reads in flight at once when a page holds many streams. */
const PARALLEL_LOOKUPS = 32;

/**
 * Drops the events that a stream's `$tb` (truncate before) hides.
 *
 * A soft delete sets the stream's `$tb` past its last event: reads of the
 * stream then find no stream, but its events stay in `$all` until a scavenge
 * removes them. So before the global log is handed over, each stream in it is
 * looked up (one metadata read per stream per page) and the hidden events are
 * left out. A stream recreated after a delete keeps its new events, whose
 * revisions continue after the deleted ones.
 */
export async function withoutTruncatedEvents(
  client: EventStoreDBClient,
  events: readonly RecordedEvent[],
): Promise<RecordedEvent[]> {
  const streams = [...new Set(events.map((event) => event.streamId))];
  const cuts = new Map<string, number>();
  for (let start = 0; start < streams.length; start += PARALLEL_LOOKUPS) {
    const chunk = streams.slice(start, start + PARALLEL_LOOKUPS);
    const found = await Promise.all(chunk.map((stream) => truncateBefore(client, stream)));
    for (const [index, stream] of chunk.entries()) cuts.set(stream, found[index]!);
  }
  return events.filter((event) => event.revision >= cuts.get(event.streamId)!);
}

async function truncateBefore(client: EventStoreDBClient, streamId: string): Promise<number> {
  const { metadata } = await client.getStreamMetadata(streamId);
  // A soft delete writes the largest Int64, which JSON turns into a (larger) float: fine here.
  const value = metadata?.truncateBefore;
  return typeof value === 'number' ? value : 0;
}
