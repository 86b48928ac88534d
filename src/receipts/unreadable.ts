import { ValidationError } from '../errors.js';
import type { ParsedItem, Receipt } from './receipt.js';

/**
 * A report, or one item of it, that cannot be read as a receipt. The parsers throw it inside
 * {@link readItem}, which turns it into a rejected {@link ParsedItem}; it never leaves them.
 */
export class UnreadableReceiptError extends ValidationError {}

/** An item that could not be read. */
export type RejectedItem = Extract<ParsedItem, { readonly ok: false }>;

/** A rejected item: why it could not be read, and the item as received. */
export function rejected(reason: string, raw: string): RejectedItem {
  return { ok: false, reason, raw };
}

/**
 * Reads one item with `read`, and returns the receipt, or the rejection when `read` throws an
 * {@link UnreadableReceiptError}. Any other error is a fault in the parser and is not caught.
 */
export function readItem(raw: string, read: () => Receipt): ParsedItem {
  try {
    return { ok: true, receipt: read() };
  } catch (error) {
    if (error instanceof UnreadableReceiptError) return rejected(error.message, raw);
    throw error;
  }
}

/** The text of a JSON item for a rejection's `raw`. */
export function rawJson(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
