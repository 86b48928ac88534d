import { firstIsoTime } from './dates.js';
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
import { rawJson, readItem, rejected, UnreadableReceiptError } from './unreadable.js';

/**
 * Infobip's status groups (`status.groupName`) and the status each stands for. PENDING means
 * Infobip or the operator still has the message.
 */
export const INFOBIP_STATUS_MAP: StatusTable = {
  PENDING: 'SENT',
  UNDELIVERABLE: 'FAILED',
  DELIVERED: 'DELIVERED',
  EXPIRED: 'FAILED',
  REJECTED: 'FAILED',
};

/** Infobip's status group ids, for a report that has `status.groupId` but no `groupName`. */
const GROUP_NAMES: Readonly<Record<string, string>> = {
  '1': 'PENDING',
  '2': 'UNDELIVERABLE',
  '3': 'DELIVERED',
  '4': 'EXPIRED',
  '5': 'REJECTED',
};

/**
 * Parses an Infobip SMS delivery report: a JSON object whose `results` array has one item for
 * each message.
 *
 * The status comes from `status.groupName` (or `status.groupId`), and is also the receipt's
 * `providerStatus`; the detailed `status.name` stays in `raw`. The receipt's time is `doneAt`, or
 * else `sentAt` (`+0000` and `+00:00` offsets both read). The error code is `error.name` (or
 * `error.id`) with `error.description` as its message, left out for `NO_ERROR` (id 0).
 */
export function parseInfobipReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  const resolved = resolveParseOptions(options, 'infobip');
  const json = decodeJson(payload);
  if (!json.ok) return [json.item];

  const results = isRecord(json.value) ? json.value.results : undefined;
  if (!Array.isArray(results)) {
    return [rejected('expected an object with a "results" array', payload.body)];
  }
  return results.map((result) =>
    isRecord(result)
      ? readItem(rawJson(result), () => readResult(result, resolved))
      : rejected('expected a delivery report object in "results"', rawJson(result)),
  );
}

function readResult(
  result: Readonly<Record<string, unknown>>,
  options: ResolvedParseOptions,
): Receipt {
  const groupName = groupNameOf(objectField(result, 'status'));
  const error = errorOf(result);

  return buildReceipt({
    providerId: options.providerId,
    providerMessageId: requiredText(result, 'messageId'),
    status: statusFrom(INFOBIP_STATUS_MAP, groupName, '"status.groupName"'),
    providerStatus: groupName,
    errorCode: error?.code,
    errorMessage: error?.message,
    occurredAt: firstIsoTime(result, ['doneAt', 'sentAt']),
    raw: result,
  });
}

/** The report's error, unless it is Infobip's `NO_ERROR` (id 0) or there is none. */
function errorOf(
  result: Readonly<Record<string, unknown>>,
): { code: string; message: string | undefined } | undefined {
  if (!isRecord(result.error)) return undefined;
  const id = optionalText(result.error, 'id');
  const name = optionalText(result.error, 'name');
  const code = name ?? id;
  if (code === undefined || id === '0' || name === 'NO_ERROR') return undefined;
  return { code, message: optionalText(result.error, 'description') };
}

function groupNameOf(status: Readonly<Record<string, unknown>>): string {
  const name = optionalText(status, 'groupName');
  if (name !== undefined) return name;
  const id = optionalText(status, 'groupId');
  if (id !== undefined && Object.hasOwn(GROUP_NAMES, id)) return GROUP_NAMES[id]!;
  throw new UnreadableReceiptError('expected a field "status.groupName" (or a known "groupId")');
}

function objectField(
  fields: Readonly<Record<string, unknown>>,
  name: string,
): Readonly<Record<string, unknown>> {
  const value = fields[name];
  if (isRecord(value)) return value;
  throw new UnreadableReceiptError(`expected a field "${name}" holding an object`);
}
