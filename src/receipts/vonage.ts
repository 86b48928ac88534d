import { UnauthorizedError } from '../errors.js';
import { parseIsoTime, parseSmppDate } from './dates.js';
import {
  buildReceipt,
  isRecord,
  meaningfulErrorCode,
  optionalText,
  requiredText,
  type StatusTable,
  statusFrom,
} from './fields.js';
import {
  decodeForm,
  decodeJson,
  looksLikeJson,
  type ReceiptParseOptions,
  type ReceiptPayload,
  type ResolvedParseOptions,
  resolveParseOptions,
} from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { rawJson, readItem, rejected, UnreadableReceiptError } from './unreadable.js';
import { type VonageSignatureOptions, verifyVonageSignature } from './vonage-signature.js';

/**
 * Vonage's delivery receipt statuses and the status each stands for. `accepted` and `buffered`
 * are on the way; `expired` includes Vonage's own expiry after 72 hours, after which it ignores
 * what the carrier reports.
 */
export const VONAGE_STATUS_MAP: StatusTable = {
  accepted: 'SENT',
  buffered: 'SENT',
  delivered: 'DELIVERED',
  expired: 'FAILED',
  failed: 'FAILED',
  rejected: 'FAILED',
  unknown: 'UNKNOWN',
};

/** Options for Vonage receipts. */
export interface VonageParseOptions extends ReceiptParseOptions {
  /**
   * When given, every receipt must carry a valid `sig` parameter (Vonage signed callbacks);
   * one that does not is rejected.
   */
  readonly signature?: VonageSignatureOptions;
}

/**
 * Parses a Vonage SMS API delivery receipt, POSTed as JSON or sent as a GET query string (the
 * content type decides; without one, a body starting with `{` or `[` is JSON). A JSON array is
 * one item for each element.
 *
 * Reads `messageId`, `status` and `err-code` (`0`, no error, is left out). The receipt's time is
 * `scts` (YYMMDDhhmm, UTC), or else `message-timestamp`. When `concat-part` and `concat-total`
 * are there, the receipt is for that part (`segment.index` counts from 1, as Vonage does).
 */
export function parseVonageReceipts(
  payload: ReceiptPayload,
  options?: VonageParseOptions,
): ParsedItem[] {
  const resolved = resolveParseOptions(options, 'vonage');
  const read = (raw: string, fields: Readonly<Record<string, unknown>>) =>
    readItem(raw, () => readReceipt(fields, resolved, options?.signature));

  if (!looksLikeJson(payload)) {
    const form = decodeForm(payload);
    return form.ok ? [read(payload.body, form.value)] : [form.item];
  }

  const json = decodeJson(payload);
  if (!json.ok) return [json.item];
  const items = Array.isArray(json.value) ? json.value : [json.value];
  return items.map((item) =>
    isRecord(item)
      ? read(rawJson(item), item)
      : rejected('expected a delivery receipt object', rawJson(item)),
  );
}

function readReceipt(
  fields: Readonly<Record<string, unknown>>,
  options: ResolvedParseOptions,
  signature: VonageSignatureOptions | undefined,
): Receipt {
  if (signature) checkSignature(fields, signature);

  const providerStatus = requiredText(fields, 'status');
  return buildReceipt({
    providerId: options.providerId,
    providerMessageId: requiredText(fields, 'messageId'),
    status: statusFrom(VONAGE_STATUS_MAP, providerStatus, '"status"'),
    providerStatus,
    errorCode: meaningfulErrorCode(optionalText(fields, 'err-code')),
    occurredAt: occurredAt(fields),
    segment: segment(fields),
    raw: fields,
  });
}

function checkSignature(
  fields: Readonly<Record<string, unknown>>,
  signature: VonageSignatureOptions,
): void {
  // A receipt that is not signed as configured is refused whole, not kept:
  // anyone could have sent it.
  if (optionalText(fields, 'sig') === undefined) {
    throw new UnauthorizedError('expected a signed Vonage receipt (a "sig" field), got none');
  }
  const params = Object.fromEntries(
    Object.entries(fields).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : rawJson(value),
    ]),
  );
  if (!verifyVonageSignature(params, signature)) {
    throw new UnauthorizedError(
      'expected "sig" to be the signature of the receipt with the configured secret, but it is not',
    );
  }
}

function occurredAt(fields: Readonly<Record<string, unknown>>): Date | undefined {
  const scts = optionalText(fields, 'scts');
  if (scts !== undefined) return parseSmppDate(scts, 0, '"scts"');
  const timestamp = optionalText(fields, 'message-timestamp');
  return timestamp === undefined ? undefined : parseIsoTime(timestamp, '"message-timestamp"');
}

function segment(fields: Readonly<Record<string, unknown>>): Receipt['segment'] {
  const part = optionalText(fields, 'concat-part');
  const total = optionalText(fields, 'concat-total');
  if (part === undefined && total === undefined) return undefined;

  const index = Number(part);
  const count = Number(total);
  if (!Number.isInteger(index) || !Number.isInteger(count) || index < 1 || index > count) {
    throw new UnreadableReceiptError(
      `expected "concat-part" from 1 to "concat-total", got part ${part} of ${total}`,
    );
  }
  return { index, count };
}
