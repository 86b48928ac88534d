import type { DeliveryStatus } from '../machines/status.js';

type OneOrMany<T> = T | readonly T[];

/** Which records to take: every field given must match (k-msg's filter). */
export interface RecordFilter {
  messageId?: OneOrMany<string>;
  providerId?: OneOrMany<string>;
  providerMessageId?: OneOrMany<string>;
  type?: OneOrMany<string>;
  status?: OneOrMany<DeliveryStatus>;
  to?: OneOrMany<string>;
  from?: OneOrMany<string>;
  /** Inclusive. */
  requestedAtFrom?: Date;
  /** Inclusive. */
  requestedAtTo?: Date;
  /** Inclusive. */
  statusUpdatedAtFrom?: Date;
  /** Inclusive. */
  statusUpdatedAtTo?: Date;
}

export type RecordOrderBy = 'requestedAt' | 'statusUpdatedAt';
export type OrderDirection = 'asc' | 'desc';

export interface ListOptions extends RecordFilter {
  /** Most records to return. */
  limit: number;
  /** @defaultValue 0 */
  offset?: number;
  /** @defaultValue 'requestedAt' */
  orderBy?: RecordOrderBy;
  /** @defaultValue 'desc' */
  orderDirection?: OrderDirection;
}

export type CountByField = 'providerId' | 'type' | 'status';

export interface CountByRow {
  key: Partial<Record<CountByField, string>>;
  count: number;
}

export const COUNT_BY_FIELDS: readonly CountByField[] = ['providerId', 'type', 'status'];

/** The values a one-or-many filter field allows, or undefined when it does not filter. */
export function allowed<T>(value: OneOrMany<T> | undefined): readonly T[] | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}
