import type { RecordFilter } from '../projections/record-filter.js';
import type { TrackingRecord } from '../projections/tracking-record.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import type { ListOrder, PagePosition } from './cursor.js';

/** Which page of a listing to read. */
export interface PageRequest extends ListOrder {
  readonly filter: RecordFilter;
  readonly limit: number;
  /** Start after this record (from a cursor)… */
  readonly after?: PagePosition;
  /** …or skip this many records. */
  readonly offset?: number;
}

/** One page, and where it ended when more records follow. */
export interface Page {
  readonly records: TrackingRecord[];
  readonly last?: PagePosition;
}

/** Records read beyond the page on the first read after a cursor, for the ties it skips. */
const TIE_ALLOWANCE = 16;

/** The most records one read asks for while it skips ties. */
const MAX_READ = 5000;

/*
 * Keyset paging on top of `listRecords`, which only knows filters, an order and an offset.
 * The order is (orderBy, messageId), both in the same direction, as the projection store sorts.
 * "After the cursor" means, for desc: value < t, or value = t and messageId < id (for asc, >).
 *
 * The range filter does most of it: for desc order by requestedAt, `requestedAtTo = t` (it is
 * inclusive) leaves the records at or after the cursor's value. Those still at exactly t come
 * first; the ones whose messageId is not after the cursor's are skipped here, reading a few
 * extra records and, when a read holds nothing but such ties, reading on with a growing offset.
 *
 * Cost: when K records share one timestamp, each page inside that group reads again past the
 * ties already served (the store's OFFSET walks them too), so paging through the group reads
 * O(K² / limit) rows. The cursor stays correct, only slower.
 *
 * Data that moves: a send recorded at t between two reads of one page shifts the offset, so a
 * record of the group is read twice (the page drops the repeat) or passed over. Under
 * statusUpdatedAt order a record whose status changes moves to a later value, and may come again
 * on a later page. requestedAt never changes: under its order no record comes on two pages.
 * TODO: a keyset option in the projection store (`WHERE (requested_at, message_id) < (?, ?)`)
 * would make every page one index seek, whatever the ties.
 */

/** Reads one page of records, and one more to tell whether another page follows. */
export async function readPage(
  service: DeliveryTrackingService,
  request: PageRequest,
): Promise<Page> {
  const { filter, orderBy, direction, limit, after, offset = 0 } = request;
  const wanted = limit + 1;
  const list = (bounded: RecordFilter, count: number, skip: number) =>
    service.listRecords({
      ...bounded,
      orderBy,
      orderDirection: direction,
      limit: count,
      offset: skip,
    });

  const rows = after
    ? await readAfter(after, wanted, { ...request, list })
    : await list(filter, wanted, offset);

  const records = rows.slice(0, limit);
  const lastRecord = records.at(-1);
  if (rows.length <= limit || !lastRecord) return { records };
  return {
    records,
    last: { value: lastRecord[orderBy].getTime(), messageId: lastRecord.messageId },
  };
}

type List = (filter: RecordFilter, count: number, offset: number) => Promise<TrackingRecord[]>;

async function readAfter(
  after: PagePosition,
  wanted: number,
  { filter, orderBy, direction, list }: ListOrder & { filter: RecordFilter; list: List },
): Promise<TrackingRecord[]> {
  const bounded = fromPosition(filter, { orderBy, direction }, after.value);
  const isAfter = isAfterPosition(after, { orderBy, direction });
  const rows: TrackingRecord[] = [];
  const seen = new Set<string>();

  let offset = 0;
  let count = wanted + TIE_ALLOWANCE;
  for (;;) {
    const batch = await list(bounded, count, offset);
    for (const record of batch) {
      if (rows.length === wanted) break;
      if (!isAfter(record) || seen.has(record.messageId)) continue;
      seen.add(record.messageId);
      rows.push(record);
    }
    if (rows.length === wanted || batch.length < count) return rows;

    offset += batch.length;
    // Once past the ties, only what the page still lacks; while in them, read more each time.
    count = rows.length > 0 ? wanted - rows.length : Math.min(count * 2, MAX_READ);
  }
}

/** The filter narrowed to the records at the position's value or after it. */
function fromPosition(filter: RecordFilter, order: ListOrder, value: number): RecordFilter {
  const at = new Date(value);
  if (order.orderBy === 'requestedAt') {
    return order.direction === 'desc'
      ? { ...filter, requestedAtTo: earlier(filter.requestedAtTo, at) }
      : { ...filter, requestedAtFrom: later(filter.requestedAtFrom, at) };
  }
  return order.direction === 'desc'
    ? { ...filter, statusUpdatedAtTo: earlier(filter.statusUpdatedAtTo, at) }
    : { ...filter, statusUpdatedAtFrom: later(filter.statusUpdatedAtFrom, at) };
}

function isAfterPosition(position: PagePosition, order: ListOrder) {
  const sign = order.direction === 'asc' ? 1 : -1;
  return (record: TrackingRecord): boolean => {
    const byValue = record[order.orderBy].getTime() - position.value;
    if (byValue !== 0) return sign * byValue > 0;
    return sign * compareMessageIds(record.messageId, position.messageId) > 0;
  };
}

/**
 * Message ids in the order SQLite sorts them (by their UTF-8 bytes, which is code point order).
 * TODO: the in-memory projection store sorts by UTF-16 code units instead; the two differ only
 * for ids mixing characters above U+FFFF with ones from U+E000 to U+FFFF, whose ties at one
 * timestamp could then page wrongly over that store.
 */
export function compareMessageIds(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const earlier = (a: Date | undefined, b: Date) => (a && a.getTime() < b.getTime() ? a : b);
const later = (a: Date | undefined, b: Date) => (a && a.getTime() > b.getTime() ? a : b);
