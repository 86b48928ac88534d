import type { DeliveryState } from '../machines/state.js';
import {
  allowed,
  type CountByField,
  type CountByRow,
  type OrderDirection,
  type RecordFilter,
  type RecordOrderBy,
} from './record-filter.js';

/** Whether a record passes a filter: the in-memory twin of the SQL WHERE clause. */
export function matchesFilter(row: DeliveryState, filter: RecordFilter): boolean {
  const fields: Array<[readonly string[] | undefined, string | undefined]> = [
    [allowed(filter.messageId), row.messageId],
    [allowed(filter.providerId), row.providerId],
    [allowed(filter.providerMessageId), row.providerMessageId],
    [allowed(filter.type), row.type],
    [allowed(filter.status), row.status],
    [allowed(filter.to), row.to],
    [allowed(filter.from), row.from],
  ];
  for (const [values, actual] of fields) {
    if (values && (actual === undefined || !values.includes(actual))) return false;
  }
  return (
    within(row.requestedAt, filter.requestedAtFrom, filter.requestedAtTo) &&
    within(row.statusUpdatedAt, filter.statusUpdatedAtFrom, filter.statusUpdatedAtTo)
  );
}

function within(value: number, from: Date | undefined, to: Date | undefined): boolean {
  return (
    (from === undefined || value >= from.getTime()) && (to === undefined || value <= to.getTime())
  );
}

/** Orders by the chosen time, then by message id, so that equal times keep a stable order. */
export function compareRecords(orderBy: RecordOrderBy, direction: OrderDirection) {
  const sign = direction === 'asc' ? 1 : -1;
  return (a: DeliveryState, b: DeliveryState): number => {
    const byTime = a[orderBy] - b[orderBy];
    if (byTime !== 0) return sign * byTime;
    return sign * (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);
  };
}

export function countByRows(
  rows: Iterable<DeliveryState>,
  groupBy: readonly CountByField[],
): CountByRow[] {
  const groups = new Map<string, CountByRow>();
  for (const row of rows) {
    const key: CountByRow['key'] = {};
    for (const field of groupBy) key[field] = row[field];
    const id = JSON.stringify(groupBy.map((field) => row[field]));
    const group = groups.get(id);
    if (group) group.count++;
    else groups.set(id, { key, count: 1 });
  }
  return [...groups.values()];
}
