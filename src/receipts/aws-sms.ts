import type { DeliveryStatus } from '../machines/status.js';
import { parseEpoch } from './dates.js';
import {
  buildReceipt,
  isRecord,
  optionalText,
  requiredText,
  type StatusTable,
  statusFrom,
} from './fields.js';
import {
  decodeJson,
  type ReceiptParseOptions,
  type ReceiptPayload,
  type ResolvedParseOptions,
  resolveParseOptions,
} from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { rawJson, readItem, rejected } from './unreadable.js';

/**
 * AWS End User Messaging SMS event types and the status each stands for, when the event is
 * final. TEXT_SUCCESSFUL means the carrier accepted the message, not that it reached the handset.
 * TEXT_UNKNOWN includes AWS's own UNKNOWN after 72 hours without a final receipt. A FAILED or
 * UNKNOWN event with `isFinal: false` is SENT: AWS says more events for the message will follow.
 */
export const AWS_SMS_STATUS_MAP: StatusTable = {
  TEXT_QUEUED: 'SENT',
  TEXT_PENDING: 'SENT',
  TEXT_SUCCESSFUL: 'SENT',
  TEXT_DELIVERED: 'DELIVERED',
  TEXT_BLOCKED: 'FAILED',
  TEXT_CARRIER_BLOCKED: 'FAILED',
  TEXT_CARRIER_UNREACHABLE: 'FAILED',
  TEXT_INVALID: 'FAILED',
  TEXT_INVALID_MESSAGE: 'FAILED',
  TEXT_PROTECT_BLOCKED: 'FAILED',
  TEXT_SPAM: 'FAILED',
  TEXT_TTL_EXPIRED: 'FAILED',
  TEXT_UNREACHABLE: 'FAILED',
  TEXT_UNKNOWN: 'UNKNOWN',
};

/**
 * Parses AWS End User Messaging SMS events: one event, a JSON array of events, an SNS
 * notification (`Type: Notification`) whose `Message` is an event as a JSON string, or an
 * EventBridge event whose `detail` is the event.
 *
 * The status comes from `eventType` and `isFinal` (see {@link AWS_SMS_STATUS_MAP}), which is also
 * the receipt's `providerStatus`. The receipt's time is `eventTimestamp` (Unix milliseconds). For
 * a failure, `messageStatusDescription` is the error message; the events carry no error code.
 */
export function parseAwsSmsReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  const resolved = resolveParseOptions(options, 'aws-sms');
  const json = decodeJson(payload);
  if (!json.ok) return [json.item];

  const items = Array.isArray(json.value) ? json.value : [json.value];
  return items.map((item) => readEnvelope(item, resolved));
}

function readEnvelope(item: unknown, options: ResolvedParseOptions): ParsedItem {
  if (!isRecord(item)) return rejected('expected an SMS event object', rawJson(item));

  if (typeof item.Type === 'string') return readSnsMessage(item, options);
  const event = isRecord(item.detail) ? item.detail : item;
  return readItem(rawJson(event), () => readEvent(event, options));
}

// TODO: SNS messages are signed; checking that signature needs AWS's certificate from the
// SigningCertURL, which is I/O, so it is left to the HTTP layer. Until it does, anyone who knows
// the endpoint can post events.
function readSnsMessage(
  notification: Readonly<Record<string, unknown>>,
  options: ResolvedParseOptions,
): ParsedItem {
  const raw = rawJson(notification);
  if (notification.Type !== 'Notification') {
    const type = String(notification.Type);
    const hint =
      type === 'SubscriptionConfirmation' ? '; confirm it by visiting its SubscribeURL' : '';
    return rejected(`expected an SNS Notification, got an SNS ${type}${hint}`, raw);
  }
  if (typeof notification.Message !== 'string') {
    return rejected('expected the SNS notification\'s "Message" to be a string', raw);
  }

  const inner = decodeJson({ body: notification.Message });
  if (!inner.ok) {
    return rejected(`expected the SNS "Message" to hold an event: ${inner.item.reason}`, raw);
  }
  if (!isRecord(inner.value)) return rejected('expected the SNS "Message" to be an event', raw);
  const event = inner.value;
  return readItem(rawJson(event), () => readEvent(event, options));
}

function readEvent(
  event: Readonly<Record<string, unknown>>,
  options: ResolvedParseOptions,
): Receipt {
  const eventType = requiredText(event, 'eventType');
  const status = finalOrSent(
    statusFrom(AWS_SMS_STATUS_MAP, eventType, '"eventType"'),
    event.isFinal !== false,
  );
  const timestamp = optionalText(event, 'eventTimestamp');
  const failed = status === 'FAILED' || status === 'UNKNOWN';

  return buildReceipt({
    providerId: options.providerId,
    providerMessageId: requiredText(event, 'messageId'),
    status,
    providerStatus: eventType,
    errorMessage: failed ? optionalText(event, 'messageStatusDescription') : undefined,
    occurredAt:
      timestamp === undefined ? undefined : parseEpoch(timestamp, 'ms', '"eventTimestamp"'),
    raw: event,
  });
}

/** A failure AWS has not called final yet is still on its way. */
function finalOrSent(status: DeliveryStatus, isFinal: boolean): DeliveryStatus {
  return !isFinal && (status === 'FAILED' || status === 'UNKNOWN') ? 'SENT' : status;
}
