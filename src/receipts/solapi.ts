import type { DeliveryStatus } from '../machines/status.js';
import { firstIsoTime } from './dates.js';
import { buildReceipt, firstText, isRecord, requiredText, type StatusTable } from './fields.js';
import {
  decodeJson,
  type ReceiptParseOptions,
  type ReceiptPayload,
  type ResolvedParseOptions,
  resolveParseOptions,
} from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { rawJson, readItem, rejected, UnreadableReceiptError } from './unreadable.js';

/**
 * The SOLAPI status codes that are not failures, and the status each stands for: 2000 SOLAPI
 * accepted the message, 3000 it was handed to the carrier (or Kakao), 4000 the handset received
 * it. Every other code from 1000 to 3999 is a failure (FAILED); codes outside those are unknown.
 */
export const SOLAPI_STATUS_MAP: StatusTable = {
  '2000': 'SENT',
  '3000': 'SENT',
  '4000': 'DELIVERED',
};

/**
 * The SOLAPI codes that say the recipient does not use KakaoTalk, so an AlimTalk (type `ATA`)
 * could not reach them; a failover to SMS can. They are kept as the receipt's `errorCode`.
 */
export const SOLAPI_NOT_ON_KAKAOTALK_CODES: ReadonlySet<string> = new Set(['3104', '3107']);

/**
 * Parses a SOLAPI delivery report webhook: a JSON array of messages, one message, or an object
 * with a `data` array. One item for each message, whatever its type (SMS, LMS, ATA, …).
 *
 * Reads `messageId` and `statusCode` (see {@link SOLAPI_STATUS_MAP}). For a failure the status
 * code is also the `errorCode`, and `statusMessage` (or `reason`), when the report has one, the
 * error message. The receipt's time is `dateReceived`, else `dateReported`, else `dateProcessed`.
 */
export function parseSolapiReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  const resolved = resolveParseOptions(options, 'solapi');
  const json = decodeJson(payload);
  if (!json.ok) return [json.item];

  return messagesOf(json.value).map((message) =>
    isRecord(message)
      ? readItem(rawJson(message), () => readMessage(message, resolved))
      : rejected('expected a message report object', rawJson(message)),
  );
}

function messagesOf(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Array.isArray(value.data)) return value.data;
  return [value];
}

function readMessage(
  message: Readonly<Record<string, unknown>>,
  options: ResolvedParseOptions,
): Receipt {
  const statusCode = requiredText(message, 'statusCode');
  const status = statusOf(statusCode);
  const failed = status === 'FAILED';

  return buildReceipt({
    providerId: options.providerId,
    providerMessageId: requiredText(message, 'messageId'),
    status,
    providerStatus: statusCode,
    errorCode: failed ? statusCode : undefined,
    errorMessage: failed ? firstText(message, ['statusMessage', 'reason']) : undefined,
    occurredAt: firstIsoTime(message, ['dateReceived', 'dateReported', 'dateProcessed']),
    raw: message,
  });
}

function statusOf(statusCode: string): DeliveryStatus {
  if (Object.hasOwn(SOLAPI_STATUS_MAP, statusCode)) return SOLAPI_STATUS_MAP[statusCode]!;
  if (/^[123]\d{3}$/.test(statusCode)) return 'FAILED';
  const expected = '2000, 3000, 4000 or a failure from 1000 to 3999';
  throw new UnreadableReceiptError(`expected "statusCode" to be ${expected}, got "${statusCode}"`);
}
