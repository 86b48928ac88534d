import type { DeliveryStatus } from '../machines/status.js';
import type { Receipt } from './receipt.js';
import { UnreadableReceiptError } from './unreadable.js';

/** A provider's status words (or codes) and the status each stands for. */
export type StatusTable = Readonly<Record<string, DeliveryStatus>>;

/** Whether `value` is a plain object (not null, not an array). */
export function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The text of a field: a string, or a finite number written out. An absent, null or empty field
 * gives `undefined`; a field of another type is unreadable.
 */
export function optionalText(
  fields: Readonly<Record<string, unknown>>,
  name: string,
): string | undefined {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new UnreadableReceiptError(
    `expected "${name}" to be a string or a number, got ${describeValue(value)}`,
  );
}

/** The text of a field that must be there; see {@link optionalText}. */
export function requiredText(fields: Readonly<Record<string, unknown>>, name: string): string {
  const value = optionalText(fields, name);
  if (value === undefined) throw new UnreadableReceiptError(`expected a field "${name}"`);
  return value;
}

/** The first of `names` that has a value, or `undefined`. */
export function firstText(
  fields: Readonly<Record<string, unknown>>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const value = optionalText(fields, name);
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * Looks a provider's status up in its table, ignoring case. An unknown status is unreadable, with
 * a reason that lists the statuses the table knows.
 */
export function statusFrom(table: StatusTable, value: string, field: string): DeliveryStatus {
  const key = Object.keys(table).find((name) => name.toLowerCase() === value.toLowerCase());
  if (key === undefined) {
    const known = Object.keys(table).join(', ');
    throw new UnreadableReceiptError(`expected ${field} to be one of ${known}, got "${value}"`);
  }
  return table[key]!;
}

/**
 * The error code to keep: the provider's code unchanged, unless it is absent or only zeros
 * (`0`, `000`, `0000`), which providers send to say there was no error.
 */
export function meaningfulErrorCode(code: string | undefined): string | undefined {
  if (code === undefined) return undefined;
  const trimmed = code.trim();
  return /^0*$/.test(trimmed) ? undefined : trimmed;
}

/** The receipt with its absent optional fields left out rather than set to `undefined`. */
export function buildReceipt(receipt: Receipt): Receipt {
  return Object.fromEntries(
    Object.entries(receipt).filter(([, value]) => value !== undefined),
  ) as Receipt;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}
