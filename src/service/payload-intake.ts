import { EventTooLargeError, ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeliveryStatus } from '../machines/status.js';
import type { ParsedItem } from '../receipts/index.js';
import type { DeliveryTrackingService } from './delivery-tracking-service.js';
import type { ReceiptOutcome } from './receipt-intake.js';

/** What became of one report of a payload, and where in the payload it was. */
export interface ReceiptItemResult {
  /** For SMPP text: the report's line in the body, counting from 1. */
  line?: number;
  /** For every other format: the report's place in the payload, counting from 0. */
  index?: number;
  /** See {@link ReceiptOutcome}; `rejected` also for a report that cannot be read. */
  outcome: ReceiptOutcome['outcome'];
  reason?: string;
  messageId?: string;
  status?: DeliveryStatus;
}

/** The answer to a payload of reports: one result each, and how many had each outcome. */
export interface ReceiptIntakeAnswer {
  results: ReceiptItemResult[];
  applied: number;
  ignored: number;
  pending: number;
  rejected: number;
}

/** Where the parsed items of a payload were, as the answer names them. */
export type ItemPlaces = readonly ({ line: number } | { index: number })[];

/**
 * Ingests the readable items of a payload one after the other, in their order, and lists what
 * became of each. An item that cannot be read, or that the service refuses as invalid, is
 * rejected and kept whole as a dead letter; any other failure of the service is thrown, so that
 * the provider sends the payload again (a repeated report has one effect).
 */
export async function ingestItems(
  service: DeliveryTrackingService,
  items: readonly ParsedItem[],
  places: ItemPlaces,
  context: { format: string; providerId: string; log: Logger },
): Promise<ReceiptIntakeAnswer> {
  const { format, providerId, log } = context;
  const results: ReceiptItemResult[] = [];

  for (const [i, item] of items.entries()) {
    const place = places[i] ?? { index: i };
    const setAside = async (reason: string, raw: unknown) => {
      const text = typeof raw === 'string' ? raw : JSON.stringify(raw);
      try {
        await service.recordUnreadableReceipt({ format, providerId, reason, raw: text });
      } catch (error) {
        // Too large to keep is no reason for the provider to send it again.
        if (!(error instanceof EventTooLargeError)) throw error;
        log.warn({ format, providerId, ...place }, 'unreadable report too large to keep');
      }
      results.push({ ...place, outcome: 'rejected', reason });
    };

    if (!item.ok) {
      await setAside(item.reason, item.raw);
      continue;
    }
    try {
      const outcome = await service.ingestReceipt(item.receipt, { format });
      log.debug({ format, providerId, ...place, ...outcome }, 'report taken');
      results.push({ ...place, ...outcome });
    } catch (error) {
      // A report the service refuses (invalid, or too large to record) is set aside
      // like an unreadable one; the items before it stay taken, and so do the ones after.
      if (!(error instanceof ValidationError) && !(error instanceof EventTooLargeError)) {
        throw error;
      }
      await setAside(error.message, item.receipt.raw);
    }
  }

  return {
    results,
    applied: count(results, 'applied'),
    ignored: count(results, 'ignored'),
    pending: count(results, 'pending'),
    rejected: count(results, 'rejected'),
  };
}

/**
 * Where each item of an SMPP body was: the line it was read from, found by its text. An item
 * whose text is not a line of the body (a body with no report at all) is named by its index.
 */
export function linesOfItems(body: string, items: readonly ParsedItem[]): ItemPlaces {
  const lines = body.split(/\r\n|\r|\n/);
  let next = 0;
  return items.map((item, index) => {
    const text = item.ok ? item.receipt.raw : item.raw;
    const found = lines.indexOf(String(text), next);
    if (found === -1) return { index };
    next = found + 1;
    return { line: found + 1 };
  });
}

/** Each item named by its index. */
export function indexesOfItems(items: readonly ParsedItem[]): ItemPlaces {
  return items.map((_item, index) => ({ index }));
}

function count(results: readonly ReceiptItemResult[], outcome: ReceiptItemResult['outcome']) {
  return results.filter((result) => result.outcome === outcome).length;
}
