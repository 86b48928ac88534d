import { DELIVERY_STATUSES, type DeliveryStatus, isTerminal } from '../machines/status.js';
import type { CountByRow, RecordFilter } from './record-filter.js';

/**
 * Messages requested from `since` (inclusive) up to `until` (exclusive), as
 * a record filter, whose bounds are inclusive and count whole milliseconds.
 */
export function requestedBetween(since?: Date, until?: Date): RecordFilter {
  return {
    ...(since !== undefined && { requestedAtFrom: since }),
    ...(until !== undefined && { requestedAtTo: new Date(until.getTime() - 1) }),
  };
}

/** How many messages there are, by status, provider and type, and the share delivered. */
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
