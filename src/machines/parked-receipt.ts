import type { DeliveryStatus } from './status.js';

/**
 * A receipt that came before its message's send was recorded (the provider
 * answered faster than the application). It waits in its own stream,
 * `unmatched-receipt-<receiptKey>`, until the send is recorded or it expires.
 */
export interface ParkedReceipt {
  readonly receiptKey: string;
  readonly providerId: string;
  readonly providerMessageId: string;
  /** The normalized id it is matched by. */
  readonly providerMessageKey: string;
  readonly format?: string;
  readonly status: DeliveryStatus;
  readonly providerStatus: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly occurredAt?: number;
  readonly segment?: { readonly index: number; readonly count: number };
  readonly raw: unknown;
  readonly parkedAt: number;
  /** When it is dropped if no send matched it. */
  readonly expiresAt: number;
  /**
   * Where its ReceiptParked event stands in the global log, as the
   * projection saw it: receipts that waited are applied in this order.
   */
  readonly position?: string;
}

export type ParkingEvent =
  | { readonly type: 'ReceiptParked'; readonly data: ParkedReceipt }
  | {
      readonly type: 'ParkedReceiptApplied';
      readonly data: { messageId: string; appliedAt: number };
    }
  | { readonly type: 'ParkedReceiptExpired'; readonly data: { expiredAt: number } };

export const PARKING_PREFIX = 'unmatched-receipt-';

export const PARKING_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ReceiptParked',
  'ParkedReceiptApplied',
  'ParkedReceiptExpired',
]);

export function parkingStreamOf(receiptKey: string): string {
  return `${PARKING_PREFIX}${receiptKey}`;
}

export function receiptKeyOf(streamId: string): string {
  return streamId.slice(PARKING_PREFIX.length);
}
