import type { DeliveryStatus } from '../machines/status.js';
import { parseEpoch } from './dates.js';
import { buildReceipt, optionalText, requiredText, type StatusTable } from './fields.js';
import type { ReceiptParseOptions, ReceiptPayload, ResolvedParseOptions } from './payload.js';
import { parseOneFormReceipt } from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { parseSmppReceipt } from './smpp.js';
import { UnreadableReceiptError } from './unreadable.js';

/**
 * Kannel's delivery report types (its `%d`, a bit each) and the status each stands for: 1
 * delivered to the phone, 2 not delivered to the phone, 4 queued on the SMSC, 8 delivered to
 * the SMSC, 16 not delivered to the SMSC (rejected).
 */
export const KANNEL_STATUS_MAP: StatusTable = {
  '1': 'DELIVERED',
  '2': 'FAILED',
  '4': 'SENT',
  '8': 'SENT',
  '16': 'FAILED',
};

/** An SMSC's refusal as Kannel words it in `%A`: `NACK/0x0000000b/Invalid Destination Address`. */
const NACK = /^NACK\/(0x[0-9a-f]+|\d+)?\/?(.*)$/i;

/**
 * Parses a Kannel delivery report callback: the query string (or form body) of the dlr-url
 * given with the message, which must be set up with these parameters:
 *
 * ```text
 * https://example.com/receipts/kannel?type=%d&id=%F&reply=%A&time=%T
 * ```
 *
 * - `type` (`%d`, required): the report type, see {@link KANNEL_STATUS_MAP}. A mask of several
 *   bits is read as its most final one; delivered and failed together are unreadable.
 * - `id`: the message id the receipt is about. `%F` is the SMSC's id; a sender that records
 *   another id (its own reference, say) puts that one in the URL instead. Without `id`, the
 *   `id:` of the receipt in `reply` is used.
 * - `reply` (`%A`): the SMSC's words. When they are an SMPP receipt, it is read as one (see
 *   `parseSmppReceipt`) and its `stat`, `err` and dates make the receipt; an SMPP receipt that
 *   cannot be read leaves `type` to decide. A `NACK/<code>/<text>` gives the error code and
 *   message.
 * - `time` (`%T`): Unix seconds, the receipt's time when the reply has no date.
 */
export function parseKannelReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  return parseOneFormReceipt(payload, options, 'kannel', readCallback);
}

function readCallback(fields: Record<string, string>, options: ResolvedParseOptions): Receipt {
  // The type is checked even when the reply decides: a type that cannot be read means the
  // dlr-url is set up wrong, and the reply alone should not hide that.
  const type = requiredText(fields, 'type');
  const status = statusOfType(type);
  const id = optionalText(fields, 'id');
  const reply = optionalText(fields, 'reply') ?? '';

  const smpp = /\bstat:/i.test(reply) ? parseSmppReceipt(reply, options) : undefined;
  if (smpp?.ok) {
    const providerMessageId = id ?? smpp.receipt.providerMessageId;
    return { ...smpp.receipt, providerMessageId, raw: fields };
  }

  if (id === undefined) throw new UnreadableReceiptError('expected a field "id" (%F), got none');
  const nack = NACK.exec(reply);
  const time = optionalText(fields, 'time');
  return buildReceipt({
    providerId: options.providerId,
    providerMessageId: id,
    status,
    providerStatus: type,
    errorCode: nack?.[1],
    errorMessage: nack?.[2] || undefined,
    occurredAt: time === undefined ? undefined : parseEpoch(time, 's', '"time"'),
    raw: fields,
  });
}

function statusOfType(type: string): DeliveryStatus {
  const mask = /^\d{1,2}$/.test(type) ? Number(type) : 0;
  const bits = Object.keys(KANNEL_STATUS_MAP).filter((bit) => (mask & Number(bit)) !== 0);
  const known = bits.reduce((sum, bit) => sum | Number(bit), 0);
  if (mask === 0 || known !== mask) {
    throw new UnreadableReceiptError(
      `expected "type" (%d) to be 1, 2, 4, 8, 16 or a sum of them, got "${type}"`,
    );
  }

  const statuses = new Set(bits.map((bit) => KANNEL_STATUS_MAP[bit]));
  if (statuses.has('DELIVERED') && statuses.has('FAILED')) {
    throw new UnreadableReceiptError(
      `expected "type" (%d) to say delivered or failed, got both in "${type}"`,
    );
  }
  if (statuses.has('DELIVERED')) return 'DELIVERED';
  return statuses.has('FAILED') ? 'FAILED' : 'SENT';
}
