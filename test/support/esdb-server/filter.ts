import type { StoredEvent } from './event-log.js';
import type { ReadReq } from './protocol.js';

/** The filter of a read or subscription to `$all`, as the server applies it. */
export interface ServerFilter {
  matches(event: StoredEvent): boolean;
  /** Events considered between two checkpoints; 0 when the read sends none. */
  readonly checkpointInterval: number;
}

/** The server's default search window (its read batch size). */
const DEFAULT_MAX_SEARCH_WINDOW = 32;

const NO_FILTER: ServerFilter = { matches: () => true, checkpointInterval: 0 };

/**
 * Stream-name and event-type filters, each by prefixes or by a regular
 * expression, as `EventFilter.StreamName` / `EventFilter.EventType` do.
 * A filtered subscription checkpoints every `multiplier × window` events
 * it considered, the server's `checkpointIntervalMultiplier * maxSearchWindow`.
 */
export function serverFilter(options: ReturnType<ReadReq['getOptions']>): ServerFilter {
  const filter = options?.getFilter();
  if (!filter) return NO_FILTER;

  const onStream = filter.hasStreamIdentifier();
  const expression = onStream ? filter.getStreamIdentifier()! : filter.getEventType()!;
  const regex = expression.getRegex();
  const prefixes = expression.getPrefixList();
  const test = regex
    ? (value: string) => new RegExp(regex).test(value)
    : (value: string) => prefixes.some((prefix) => value.startsWith(prefix));

  const window = filter.hasMax() ? filter.getMax() : DEFAULT_MAX_SEARCH_WINDOW;
  const multiplier = Math.max(1, filter.getCheckpointintervalmultiplier());
  return {
    matches: (event) => test(onStream ? event.streamId : event.type),
    checkpointInterval: window * multiplier,
  };
}
