import { createHash } from 'node:crypto';
import type { ReceiptToApply } from '../machines/commands.js';
import type { Observation } from '../machines/events.js';
import type { DeliveryStatus } from '../machines/status.js';
import { providerMessageKey } from '../receipts/message-id.js';
import type { Receipt } from '../receipts/receipt.js';
import { boundedRaw } from './bounded-json.js';

/** What became of one receipt. */
export interface ReceiptOutcome {
  /**
   * `applied`: recorded against its message (its status moved, or it
   * confirmed it); `ignored`: recorded or seen before but changes nothing,
   * see `reason`; `pending`: no send matches it yet, it waits for one;
   * `rejected`: not a receipt that can be read.
   */
  readonly outcome: 'applied' | 'ignored' | 'pending' | 'rejected';
  readonly reason?: string;
  readonly messageId?: string;
  /** The message's status after the receipt. */
  readonly status?: DeliveryStatus;
}

/**
 * Identifies a receipt: the same provider, message, status, time and segment
 * give the same key, so a repeated receipt is recognised however it arrives.
 */
export function receiptKey(receipt: Receipt): string {
  const when = receipt.occurredAt?.getTime() ?? JSON.stringify(receipt.raw);
  const parts = [
    receipt.providerId,
    providerMessageKey(receipt.providerMessageId),
    receipt.providerStatus,
    receipt.status,
    when,
    receipt.segment ? `${receipt.segment.index}/${receipt.segment.count}` : '',
  ];
  return createHash('sha1').update(parts.join('\u0000')).digest('base64url');
}

/** The receipt as the delivery machine takes it. */
export function receiptToApply(receipt: Receipt, format: string | undefined): ReceiptToApply {
  const occurredAt = receipt.occurredAt?.getTime();
  const observation: { -readonly [K in keyof Observation]: Observation[K] } = {
    status: receipt.status,
    statusCode: receipt.providerStatus,
  };
  const message =
    receipt.errorMessage ??
    (receipt.errorCode !== undefined ? `error code ${receipt.errorCode}` : undefined);
  if (message !== undefined) observation.statusMessage = message;
  if (occurredAt !== undefined) {
    if (receipt.status === 'DELIVERED') observation.deliveredAt = occurredAt;
    if (receipt.status === 'FAILED') observation.failedAt = occurredAt;
    if (receipt.status === 'SENT') observation.sentAt = occurredAt;
  }
  observation.raw = boundedRaw(receipt.raw);

  return {
    receiptKey: receiptKey(receipt),
    ...(format !== undefined && { format }),
    providerStatus: receipt.providerStatus,
    ...(receipt.errorCode !== undefined && { errorCode: receipt.errorCode }),
    ...(occurredAt !== undefined && { occurredAt }),
    ...(receipt.segment !== undefined && { segment: receipt.segment }),
    observation,
  };
}
