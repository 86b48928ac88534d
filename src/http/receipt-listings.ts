import type { FastifyInstance } from 'fastify';
import type { ParkedReceipt } from '../machines/parked-receipt.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import type { DeadLetter } from '../service/receipt-desk.js';
import { parseQuery } from './query.js';
import { queryObject, singleParam, wholeNumberParam } from './query-params.js';

/** Entries in a listing when `limit` is not given. */
const DEFAULT_LIMIT = 50;

const paging = {
  limit: wholeNumberParam(1, 1000),
  offset: wholeNumberParam(0, Number.MAX_SAFE_INTEGER),
};

const unmatchedQuery = queryObject({
  ...paging,
  providerId: singleParam('a provider id', (text) =>
    text !== '' && text.length <= 200 ? text : undefined,
  ),
});
const deadLetterQuery = queryObject(paging);

/** A receipt waiting for its send, as the API lists it: its times as dates. */
export type UnmatchedReceipt = Omit<ParkedReceipt, 'occurredAt' | 'parkedAt' | 'expiresAt'> & {
  occurredAt?: Date;
  parkedAt: Date;
  expiresAt: Date;
};

/**
 * `GET /v1/receipts/unmatched?limit=&offset=&providerId=`: receipts that came before their send
 * and wait for it, oldest first, as `{ receipts }`; and
 * `GET /v1/receipts/dead-letters?limit=&offset=`: payloads that could not be read, kept whole
 * with the reason, oldest first, as `{ deadLetters }`. `limit` is 1 to 1000, 50 by default.
 */
export function receiptListingRoutes(app: FastifyInstance, service: DeliveryTrackingService) {
  app.get('/v1/receipts/unmatched', async (request): Promise<{ receipts: UnmatchedReceipt[] }> => {
    const query = parseQuery(unmatchedQuery, request.query);
    const parked = await service.listUnmatchedReceipts({
      limit: query.limit ?? DEFAULT_LIMIT,
      offset: query.offset ?? 0,
      ...(query.providerId !== undefined && { providerId: query.providerId }),
    });
    return { receipts: parked.map(unmatchedReceipt) };
  });

  app.get('/v1/receipts/dead-letters', async (request): Promise<{ deadLetters: DeadLetter[] }> => {
    const query = parseQuery(deadLetterQuery, request.query);
    const deadLetters = await service.listDeadLetters({
      limit: query.limit ?? DEFAULT_LIMIT,
      offset: query.offset ?? 0,
    });
    return { deadLetters };
  });
}

function unmatchedReceipt(parked: ParkedReceipt): UnmatchedReceipt {
  const { occurredAt, parkedAt, expiresAt, ...rest } = parked;
  return {
    ...rest,
    ...(occurredAt !== undefined && { occurredAt: new Date(occurredAt) }),
    parkedAt: new Date(parkedAt),
    expiresAt: new Date(expiresAt),
  };
}
