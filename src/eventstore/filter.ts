import type { EventFilter } from './event-store.js';

export function matchesFilter(streamId: string, filter: EventFilter | undefined): boolean {
  const prefixes = filter?.streamPrefixes;
  if (!prefixes || prefixes.length === 0) return true;
  return prefixes.some((prefix) => streamId.startsWith(prefix));
}
