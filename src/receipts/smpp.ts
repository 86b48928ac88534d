import { parseSmppDate } from './dates.js';
import { buildReceipt, meaningfulErrorCode, type StatusTable, statusFrom } from './fields.js';
import {
  type ReceiptParseOptions,
  type ReceiptPayload,
  type ResolvedParseOptions,
  resolveParseOptions,
} from './payload.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { readItem, rejected, UnreadableReceiptError } from './unreadable.js';

/**
 * The SMPP `stat` words and the status each stands for. ACCEPTD and ENROUTE say the SMSC still
 * has the message; FAILED is not in the SMPP specification but some SMSCs send it.
 */
export const SMPP_STATUS_MAP: StatusTable = {
  DELIVRD: 'DELIVERED',
  ACCEPTD: 'SENT',
  ENROUTE: 'SENT',
  UNDELIV: 'FAILED',
  EXPIRED: 'FAILED',
  DELETED: 'FAILED',
  REJECTD: 'FAILED',
  FAILED: 'FAILED',
  UNKNOWN: 'UNKNOWN',
};

/** The keys of a receipt line, as this module names them. */
type SmppKey = 'id' | 'sub' | 'dlvrd' | 'submit date' | 'done date' | 'stat' | 'err' | 'text';

/** A key at the start of the line or after white space, in any case. */
const SMPP_KEY = /(?:^|\s)(id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err|text):/gi;

/**
 * Parses one SMPP delivery receipt line, such as
 * `id:7a3f90c1 sub:001 dlvrd:000 submit date:2611301012 done date:2611301030 stat:UNDELIV
 * err:001 text:Your code is` (all on one line).
 *
 * Lenient the way SMSCs need: fields in any order, keys in any case, `sub`, `dlvrd`, `err`,
 * `text` and the dates may be missing, `text:` comes last and may hold spaces and colons. `id` and
 * `stat` are required. The receipt's time is the done date, or the submit date when the done date
 * is none (`0000000000`); dates are read in the zone `timeZoneOffsetMinutes` ahead of UTC. An
 * error code of only zeros means no error and is left out.
 */
export function parseSmppReceipt(line: string, options?: ReceiptParseOptions): ParsedItem {
  const resolved = resolveParseOptions(options, 'smpp');
  return readItem(line, () => readReceiptLine(line, resolved));
}

/**
 * Parses a body of SMPP receipt lines: one item for each line that is neither blank nor a `#`
 * comment. A body without any receipt line is one rejected item.
 */
export function parseSmppReceipts(
  payload: ReceiptPayload,
  options?: ReceiptParseOptions,
): ParsedItem[] {
  const resolved = resolveParseOptions(options, 'smpp');
  const lines = payload.body.split(/\r\n|\r|\n/).filter((line) => {
    const trimmed = line.trim();
    return trimmed !== '' && !trimmed.startsWith('#');
  });

  if (lines.length === 0) {
    return [rejected('expected at least one receipt line (id:… stat:…), got none', payload.body)];
  }
  return lines.map((line) => readItem(line, () => readReceiptLine(line, resolved)));
}

function readReceiptLine(line: string, options: ResolvedParseOptions): Receipt {
  const fields = splitFields(line);
  const providerMessageId = requiredField(fields, 'id');
  const stat = requiredField(fields, 'stat');
  const submitted = dateField(fields, 'submit date', options.timeZoneOffsetMinutes);
  const done = dateField(fields, 'done date', options.timeZoneOffsetMinutes);

  return buildReceipt({
    providerId: options.providerId,
    providerMessageId,
    status: statusFrom(SMPP_STATUS_MAP, stat, '"stat:"'),
    providerStatus: stat,
    errorCode: meaningfulErrorCode(fields.get('err')),
    occurredAt: done ?? submitted,
    raw: line,
  });
}

/**
 * The fields of a line by key. Each value is the first word after its key; `text` is everything
 * after `text:` to the end of the line, so keys inside the text are not read as fields.
 */
function splitFields(line: string): Map<SmppKey, string> {
  const keys = [...line.matchAll(SMPP_KEY)];
  const fields = new Map<SmppKey, string>();

  for (const [index, match] of keys.entries()) {
    const key = keyName(match[1] ?? '');
    if (fields.has(key)) throw new UnreadableReceiptError(`expected one "${key}:", got two`);

    const valueStart = match.index + match[0].length;
    if (key === 'text') {
      fields.set(key, line.slice(valueStart));
      break;
    }
    const valueEnd = keys[index + 1]?.index ?? line.length;
    fields.set(key, line.slice(valueStart, valueEnd).trim().split(/\s+/)[0] ?? '');
  }
  return fields;
}

function keyName(written: string): SmppKey {
  return written.toLowerCase().replace(/[\s_]+/g, ' ') as SmppKey;
}

function requiredField(fields: Map<SmppKey, string>, key: 'id' | 'stat'): string {
  const value = fields.get(key);
  if (value) return value;
  if (value === '') throw new UnreadableReceiptError(`expected a value after "${key}:", got none`);

  const insideText = fields.get('text')?.toLowerCase().includes(`${key}:`) ?? false;
  const hint = insideText ? ` before "text:" (the text runs to the end of the line)` : '';
  throw new UnreadableReceiptError(`expected a field "${key}:"${hint}, got none`);
}

function dateField(
  fields: Map<SmppKey, string>,
  key: 'submit date' | 'done date',
  offsetMinutes: number,
): Date | undefined {
  const value = fields.get(key);
  return value ? parseSmppDate(value, offsetMinutes, `"${key}:"`) : undefined;
}
