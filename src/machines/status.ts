/** Where a message stands. */
export type DeliveryStatus = 'PENDING' | 'SENT' | 'DELIVERED' | 'FAILED' | 'CANCELLED' | 'UNKNOWN';

export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'PENDING',
  'SENT',
  'DELIVERED',
  'FAILED',
  'CANCELLED',
  'UNKNOWN',
];

/** Statuses after which the provider is no longer asked. */
export const TERMINAL_STATUSES: ReadonlySet<DeliveryStatus> = new Set([
  'DELIVERED',
  'FAILED',
  'CANCELLED',
  'UNKNOWN',
]);

/** Statuses whose messages are polled. */
export const POLLABLE_STATUSES: ReadonlySet<DeliveryStatus> = new Set(['PENDING', 'SENT']);

export function isTerminal(status: DeliveryStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}

export function isDeliveryStatus(value: unknown): value is DeliveryStatus {
  return typeof value === 'string' && (DELIVERY_STATUSES as readonly string[]).includes(value);
}

/** Order of progress: a status may only move to one of higher rank. */
export function statusRank(status: DeliveryStatus): number {
  return status === 'PENDING' ? 0 : status === 'SENT' ? 1 : 2;
}
