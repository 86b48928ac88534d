import type { FastifyInstance } from 'fastify';
import { DELIVERY_STATUSES, type DeliveryStatus, isTerminal } from '../machines/status.js';
import type { CountByRow, RecordFilter } from '../projections/record-filter.js';
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

/** The answer of `GET /v1/stats`. */
export interface DeliveryStats {
  total: number;
  /** Every status, 0 for those no message has. */
  byStatus: Record<DeliveryStatus, number>;
  byProvider: Record<string, number>;
  byType: Record<string, number>;
  /** Shares from 0 to 1, or null when there is nothing to divide by. */
  rates: {
    /** DELIVERED of all messages. */
    delivered: number | null;
    /** FAILED of all messages. */
    failed: number | null;
    /** DELIVERED of the messages with a final status (DELIVERED, FAILED, CANCELLED, UNKNOWN). */
    deliveredOfFinished: number | null;
  };
}

/**
 * `GET /v1/stats`: how many messages there are, by status, provider and type, and the share
 * delivered. `since` (inclusive) and `until` (exclusive) bound their `requestedAt`, as ISO-8601
 * times; `providerId` and `type` (each a value or a comma list) narrow them further.
 */
export function statsRoutes(app: FastifyInstance, service: DeliveryTrackingService): void {
  app.get('/v1/stats', async (request): Promise<DeliveryStats> => {
    const query = parseQuery(statsQuery, request.query);
    const filter: RecordFilter = {
      ...(query.since !== undefined && { requestedAtFrom: query.since }),
      // The filter is inclusive and counts whole milliseconds: one before `until` excludes it.
      ...(query.until !== undefined && { requestedAtTo: new Date(query.until.getTime() - 1) }),
      ...(query.providerId !== undefined && { providerId: query.providerId }),
      ...(query.type !== undefined && { type: query.type }),
    };
    // One grouped count: its rows are few (providers × types × statuses).
    const rows = await service.countBy(filter, ['status', 'providerId', 'type']);
    return statsOf(rows);
  });
}

/** Sums rows counted by status, provider and type. */
export function statsOf(rows: readonly CountByRow[]): DeliveryStats {
  const byStatus = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
    DeliveryStatus,
    number
  >;
  // Maps, as keys come from the data: a provider called "__proto__" is a provider like any other.
  const byProvider = new Map<string, number>();
  const byType = new Map<string, number>();
  let total = 0;
  for (const { key, count } of rows) {
    total += count;
    const status = key.status as DeliveryStatus;
    byStatus[status] = (byStatus[status] ?? 0) + count;
    add(byProvider, key.providerId, count);
    add(byType, key.type, count);
  }

  const finished = DELIVERY_STATUSES.filter(isTerminal).reduce((sum, s) => sum + byStatus[s], 0);
  return {
    total,
    byStatus,
    byProvider: Object.fromEntries(byProvider),
    byType: Object.fromEntries(byType),
    rates: {
      delivered: share(byStatus.DELIVERED, total),
      failed: share(byStatus.FAILED, total),
      deliveredOfFinished: share(byStatus.DELIVERED, finished),
    },
  };
}

function add(counts: Map<string, number>, key: string | undefined, count: number): void {
  if (key !== undefined) counts.set(key, (counts.get(key) ?? 0) + count);
}

const share = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
