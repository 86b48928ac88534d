import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { RecordFilter } from '../projections/record-filter.js';
import type { TrackingRecord } from '../projections/tracking-record.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import { decodeCursor, encodeCursor, type ListOrder } from './cursor.js';
import { readPage } from './keyset-page.js';
import { parseQuery } from './query.js';
import {
  choiceParam,
  listParam,
  queryObject,
  singleParam,
  statusListParam,
  timeParam,
  wholeNumberParam,
} from './query-params.js';

/** Records in a page when `limit` is not given. */
export const DEFAULT_PAGE_LIMIT = 50;

/** The most records in one page. */
export const MAX_PAGE_LIMIT = 1000;

const listQuery = queryObject({
  messageId: listParam(),
  providerId: listParam(),
  providerMessageId: listParam(),
  type: listParam(),
  status: statusListParam,
  to: listParam(),
  from: listParam(),
  requestedAtFrom: timeParam,
  requestedAtTo: timeParam,
  statusUpdatedAtFrom: timeParam,
  statusUpdatedAtTo: timeParam,
  orderBy: choiceParam(['requestedAt', 'statusUpdatedAt']),
  orderDirection: singleParam('asc or desc', (text) => {
    const direction = text.toLowerCase();
    return direction === 'asc' || direction === 'desc' ? direction : undefined;
  }),
  limit: wholeNumberParam(1, MAX_PAGE_LIMIT),
  offset: wholeNumberParam(0, Number.MAX_SAFE_INTEGER),
  cursor: singleParam('the nextCursor of an earlier page', (text) => text || undefined),
}).superRefine((query, context) => {
  const ranges = [
    ['requestedAtFrom', 'requestedAtTo'],
    ['statusUpdatedAtFrom', 'statusUpdatedAtTo'],
  ] as const;
  for (const [from, to] of ranges) {
    const start = query[from];
    const end = query[to];
    if (start && end && end.getTime() < start.getTime()) {
      const message = `expected a time at or after ${from} (${start.toISOString()}), got ${end.toISOString()}`;
      context.issues.push({ code: 'custom', path: [to], message, input: end });
    }
  }
  if (query.cursor !== undefined && query.offset !== undefined) {
    const message = 'expected no offset with a cursor, which already says where the page starts';
    context.issues.push({ code: 'custom', path: ['offset'], message, input: query.offset });
  }
});

type ListQuery = z.output<typeof listQuery>;

/** A page of `GET /v1/messages`. */
export interface RecordPage {
  records: TrackingRecord[];
  /** Give it as `cursor`, with the same filter and order, for the next page; null on the last. */
  nextCursor: string | null;
}

/**
 * `GET /v1/messages`: tracking records, newest first, as `{ records, nextCursor }`.
 *
 * - filters, each a value or a comma list: `messageId`, `providerId`, `providerMessageId`,
 *   `type`, `status`, `to`, `from`; and inclusive ISO-8601 ranges `requestedAtFrom`,
 *   `requestedAtTo`, `statusUpdatedAtFrom`, `statusUpdatedAtTo`
 * - `orderBy` (`requestedAt` or `statusUpdatedAt`, then the message id), `orderDirection`
 *   (`asc` or `desc`, the default)
 * - `limit` (1 to 1000, 50 by default), and `cursor` (the `nextCursor` of the page before,
 *   with the same filter and order) or `offset`
 */
export function messageListRoutes(app: FastifyInstance, service: DeliveryTrackingService): void {
  app.get('/v1/messages', async (request): Promise<RecordPage> => {
    const query = parseQuery(listQuery, request.query);
    const filter = filterOf(query);
    const order: ListOrder = {
      orderBy: query.orderBy ?? 'requestedAt',
      direction: query.orderDirection ?? 'desc',
    };

    const page = await readPage(service, {
      ...order,
      filter,
      limit: query.limit ?? DEFAULT_PAGE_LIMIT,
      ...(query.cursor !== undefined && { after: decodeCursor(query.cursor, order, filter) }),
      ...(query.offset !== undefined && { offset: query.offset }),
    });
    return {
      records: page.records,
      nextCursor: page.last ? encodeCursor(page.last, order, filter) : null,
    };
  });
}

function filterOf(query: ListQuery): RecordFilter {
  const filter: RecordFilter = {};
  const keys = [
    'messageId',
    'providerId',
    'providerMessageId',
    'type',
    'status',
    'to',
    'from',
    'requestedAtFrom',
    'requestedAtTo',
    'statusUpdatedAtFrom',
    'statusUpdatedAtTo',
  ] as const;
  for (const key of keys) {
    if (query[key] !== undefined) (filter as Record<string, unknown>)[key] = query[key];
  }
  return filter;
}
