import type { FastifyInstance } from 'fastify';
import { type DeliveryStats, requestedBetween, statsOf } from '../projections/delivery-stats.js';
import type { RecordFilter } from '../projections/record-filter.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import { parseQuery } from './query.js';
import { listParam, queryObject, timeParam } from './query-params.js';

const statsQuery = queryObject({
  since: timeParam,
  until: timeParam,
  providerId: listParam(),
  type: listParam(),
}).superRefine((query, context) => {
  const { since, until } = query;
  if (since && until && until.getTime() <= since.getTime()) {
    const message = `expected a time after since (${since.toISOString()}), got ${until.toISOString()}`;
    context.issues.push({ code: 'custom', path: ['until'], message, input: until });
  }
});

/**
 * `GET /v1/stats`: how many messages there are, by status, provider and type, and the share
 * delivered. `since` (inclusive) and `until` (exclusive) bound their `requestedAt`, as ISO-8601
 * times; `providerId` and `type` (each a value or a comma list) narrow them further.
 */
export function statsRoutes(app: FastifyInstance, service: DeliveryTrackingService): void {
  app.get('/v1/stats', async (request): Promise<DeliveryStats> => {
    const query = parseQuery(statsQuery, request.query);
    const filter: RecordFilter = {
      ...requestedBetween(query.since, query.until),
      ...(query.providerId !== undefined && { providerId: query.providerId }),
      ...(query.type !== undefined && { type: query.type }),
    };
    // One grouped count: its rows are few (providers × types × statuses).
    const rows = await service.countBy(filter, ['status', 'providerId', 'type']);
    return statsOf(rows);
  });
}
