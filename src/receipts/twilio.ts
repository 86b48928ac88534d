import { parseSmppDate } from './dates.js';
import {
  buildReceipt,
  firstText,
  meaningfulErrorCode,
  optionalText,
  type StatusTable,
  statusFrom,
} from './fields.js';
import type { ReceiptParseOptions, ReceiptPayload, ResolvedParseOptions } from './payload.js';
import { parseOneFormReceipt } from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { UnreadableReceiptError } from './unreadable.js';

/**
 * Twilio's message statuses and the status each stands for.
 *
 * - `queued`, `accepted` and `sending` are SENT: Twilio has the message and is passing it on. A
 *   receipt only ever comes for a message Twilio took, so none of them is PENDING.
 * - `scheduled` is PENDING: the message waits for its send time and can still be canceled.
 * - `sent` is SENT (the carrier took it); `delivered` and `read` are DELIVERED; `undelivered` and
 *   `failed` are FAILED; `canceled` is CANCELLED.
 */
export const TWILIO_STATUS_MAP: StatusTable = {
  queued: 'SENT',
  accepted: 'SENT',
  scheduled: 'PENDING',
  sending: 'SENT',
  sent: 'SENT',
  delivered: 'DELIVERED',
  read: 'DELIVERED',
  undelivered: 'FAILED',
  failed: 'FAILED',
  canceled: 'CANCELLED',
};

/**
 * Parses a Twilio Messaging status callback: the form-encoded body Twilio POSTs to a message's
 * StatusCallback URL. One callback is one item.
 *
 * Reads `MessageSid` (or `SmsSid`), `MessageStatus` (or `SmsStatus`), `ErrorCode`, and
 * `RawDlrDoneDate` (the carrier's done date, YYMMDDhhmm in UTC) as the receipt's time. The
 * receipt's `raw` is the decoded form fields. Callbacks may come out of order and repeated: that
 * is for the delivery machine to sort out, not the parser.
 */
export function parseTwilioReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  return parseOneFormReceipt(payload, options, 'twilio', readCallback);
}

function readCallback(fields: Record<string, string>, options: ResolvedParseOptions): Receipt {
  const providerMessageId = firstText(fields, ['MessageSid', 'SmsSid']);
  if (providerMessageId === undefined) {
    throw new UnreadableReceiptError('expected a field "MessageSid" (or "SmsSid"), got none');
  }
  const providerStatus = firstText(fields, ['MessageStatus', 'SmsStatus']);
  if (providerStatus === undefined) {
    throw new UnreadableReceiptError('expected a field "MessageStatus" (or "SmsStatus"), got none');
  }
  const doneDate = optionalText(fields, 'RawDlrDoneDate');

  return buildReceipt({
    providerId: options.providerId,
    providerMessageId,
    status: statusFrom(TWILIO_STATUS_MAP, providerStatus, '"MessageStatus"'),
    providerStatus,
    errorCode: meaningfulErrorCode(optionalText(fields, 'ErrorCode')),
    occurredAt: doneDate ? parseSmppDate(doneDate, 0, '"RawDlrDoneDate"') : undefined,
    raw: fields,
  });
}
