import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { OrderDirection, RecordFilter, RecordOrderBy } from '../projections/record-filter.js';

/** Where a page of records ended: the last record's order value and message id. */
export interface PagePosition {
  /** The last record's `requestedAt` or `statusUpdatedAt`, in epoch ms. */
  readonly value: number;
  readonly messageId: string;
}

/** The order a listing is in. */
export interface ListOrder {
  readonly orderBy: RecordOrderBy;
  readonly direction: OrderDirection;
}

/*
 * A cursor is base64url JSON: the position, the order, and a fingerprint of the filter, so that
 * a cursor given with another filter or order is refused instead of paging through the wrong
 * records. It is not signed: a forged one can only point at another place of the same listing.
 */
const cursorSchema = z.strictObject({
  v: z.literal(1),
  o: z.enum(['requestedAt', 'statusUpdatedAt']),
  d: z.enum(['asc', 'desc']),
  t: z.number().int(),
  id: z.string().min(1),
  f: z.string(),
});

const PARAMETER = 'query.cursor';

/** The cursor for the page after `position` of the listing of `filter` in `order`. */
export function encodeCursor(position: PagePosition, order: ListOrder, filter: RecordFilter) {
  const payload: z.input<typeof cursorSchema> = {
    v: 1,
    o: order.orderBy,
    d: order.direction,
    t: position.value,
    id: position.messageId,
    f: filterFingerprint(filter),
  };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/**
 * The position a cursor points at.
 * @throws ValidationError when the cursor does not decode, or was made for another filter or order
 */
export function decodeCursor(cursor: string, order: ListOrder, filter: RecordFilter): PagePosition {
  const payload = cursorSchema.safeParse(parseJson(cursor));
  if (!payload.success) {
    throw new ValidationError(
      'expected the nextCursor of an earlier page, but this one does not decode',
      PARAMETER,
    );
  }
  const { o, d, t, id, f } = payload.data;
  if (o !== order.orderBy || d !== order.direction) {
    throw new ValidationError(
      `the cursor belongs to the order ${o} ${d}, not ${order.orderBy} ${order.direction}; ` +
        'repeat the query it came from, or start again without a cursor',
      PARAMETER,
    );
  }
  if (f !== filterFingerprint(filter)) {
    throw new ValidationError(
      'the cursor belongs to another filter; repeat the query it came from, ' +
        'or start again without a cursor',
      PARAMETER,
    );
  }
  return { value: t, messageId: id };
}

function parseJson(cursor: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * A short digest of a filter that is the same for the same records: list values are sorted and
 * without repeats, times are epoch ms, and fields not given are left out.
 */
export function filterFingerprint(filter: RecordFilter): string {
  const canonical: Array<[string, unknown]> = [];
  for (const key of Object.keys(filter).sort() as Array<keyof RecordFilter>) {
    const value = filter[key];
    if (value === undefined) continue;
    if (value instanceof Date) canonical.push([key, value.getTime()]);
    else if (Array.isArray(value)) canonical.push([key, [...new Set(value)].sort()]);
    else canonical.push([key, [value]]);
  }
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}
