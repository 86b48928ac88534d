import type { DeliveryStatus } from '../machines/status.js';
import { parseSmppDate } from './dates.js';
import {
  buildReceipt,
  meaningfulErrorCode,
  optionalText,
  requiredText,
  type StatusTable,
  statusFrom,
} from './fields.js';
import type { ReceiptParseOptions, ReceiptPayload, ResolvedParseOptions } from './payload.js';
import { parseOneFormReceipt } from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { SMPP_STATUS_MAP } from './smpp.js';

/**
 * Jasmin's `message_status` values and the status each stands for. A level 1 callback carries
 * the SMSC's answer to the submit: ESME_ROK is SENT, and every other `ESME_*` command status is
 * FAILED. Level 2 and 3 callbacks carry the receipt's SMPP `stat`, read as for SMPP receipts.
 */
export const JASMIN_STATUS_MAP: StatusTable = { ESME_ROK: 'SENT', ...SMPP_STATUS_MAP };

/** The body a dlr-url must answer with; without it Jasmin sends the receipt again. */
export const JASMIN_ACK_BODY = 'ACK/Jasmin';

/**
 * Parses a Jasmin HTTP delivery receipt: the form fields Jasmin POSTs (or sends as a GET query)
 * to a message's dlr-url. One callback is one item.
 *
 * Reads `id` and `message_status` (see {@link JASMIN_STATUS_MAP}). For a failed submit the ESME
 * status is the error code; for a receipt it is `err` (only zeros, no error, is left out). The
 * receipt's time is `donedate`, or else `subdate`, SMPP dates read in the zone
 * `timeZoneOffsetMinutes` ahead of UTC.
 */
export function parseJasminReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  return parseOneFormReceipt(payload, options, 'jasmin', readCallback);
}

function readCallback(fields: Record<string, string>, options: ResolvedParseOptions): Receipt {
  const providerStatus = requiredText(fields, 'message_status');
  const isSubmitAnswer = providerStatus.toUpperCase().startsWith('ESME_');
  const status = isSubmitAnswer
    ? submitStatus(providerStatus)
    : statusFrom(SMPP_STATUS_MAP, providerStatus, '"message_status"');
  const failedSubmit = isSubmitAnswer && status === 'FAILED';

  return buildReceipt({
    providerId: options.providerId,
    providerMessageId: requiredText(fields, 'id'),
    status,
    providerStatus,
    errorCode: failedSubmit ? providerStatus : meaningfulErrorCode(optionalText(fields, 'err')),
    occurredAt: occurredAt(fields, options.timeZoneOffsetMinutes),
    raw: fields,
  });
}

function submitStatus(esmeStatus: string): DeliveryStatus {
  return esmeStatus.toUpperCase() === 'ESME_ROK' ? 'SENT' : 'FAILED';
}

function occurredAt(fields: Record<string, string>, offsetMinutes: number): Date | undefined {
  for (const name of ['donedate', 'subdate']) {
    const text = optionalText(fields, name);
    const date = text === undefined ? undefined : parseSmppDate(text, offsetMinutes, `"${name}"`);
    if (date !== undefined) return date;
  }
  return undefined;
}
