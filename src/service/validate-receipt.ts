import { ValidationError } from '../errors.js';
import { isDeliveryStatus } from '../machines/status.js';
import type { Receipt } from '../receipts/receipt.js';

/** Checks a normalized receipt handed to `ingestReceipt` by library code. */
export function validateReceipt(receipt: Receipt): void {
  if (receipt === null || typeof receipt !== 'object') {
    throw new ValidationError('expected a receipt object', 'receipt');
  }
  for (const field of ['providerId', 'providerMessageId', 'providerStatus'] as const) {
    if (typeof receipt[field] !== 'string' || receipt[field].trim() === '') {
      throw new ValidationError('expected a non-empty string', `receipt.${field}`);
    }
  }
  if (!isDeliveryStatus(receipt.status)) {
    throw new ValidationError(
      `expected one of PENDING, SENT, DELIVERED, FAILED, CANCELLED, UNKNOWN, got ${JSON.stringify(receipt.status)}`,
      'receipt.status',
    );
  }
  if (
    receipt.occurredAt !== undefined &&
    (!(receipt.occurredAt instanceof Date) || Number.isNaN(receipt.occurredAt.getTime()))
  ) {
    throw new ValidationError('expected a valid Date', 'receipt.occurredAt');
  }
  const segment = receipt.segment as { index?: unknown; count?: unknown } | undefined;
  if (segment !== undefined) {
    const { index, count } = segment ?? {};
    if (
      !Number.isInteger(count) ||
      (count as number) < 1 ||
      !Number.isInteger(index) ||
      (index as number) < 1 ||
      (index as number) > (count as number)
    ) {
      throw new ValidationError(
        `expected { index, count } with whole numbers 1 <= index <= count, got ${JSON.stringify(segment)}`,
        'receipt.segment',
      );
    }
  }
}
