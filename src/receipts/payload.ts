import { ValidationError } from '../errors.js';
import type { ParsedItem, Receipt } from './receipt.js';
import { type RejectedItem, readItem, rejected } from './unreadable.js';

/** A delivery report as the HTTP layer received it, before any decoding. */
export interface ReceiptPayload {
  /**
   * The request body exactly as received. For a GET callback, the query string, with or without
   * its leading `?`. For SMPP, the receipt text, one receipt a line.
   */
  readonly body: string;
  /**
   * The `Content-Type` header, when there is one. Only formats that come both as JSON and as form
   * fields (Vonage) look at it; without it they look at the body.
   */
  readonly contentType?: string;
}

/** Options every receipt parser takes. */
export interface ReceiptParseOptions {
  /**
   * The provider the reports are about, as configured (e.g. `twilio-main`).
   * @defaultValue the format's name, e.g. `twilio`
   */
  readonly providerId?: string;
  /**
   * How far the SMSC's clock is ahead of UTC, in minutes (540 for Korea), for SMPP dates, which
   * carry no time zone. Used by the smpp, kannel and jasmin formats; the others carry UTC times.
   * @defaultValue 0
   */
  readonly timeZoneOffsetMinutes?: number;
}

/** {@link ReceiptParseOptions} with the defaults filled in and checked. */
export interface ResolvedParseOptions {
  readonly providerId: string;
  readonly timeZoneOffsetMinutes: number;
}

const MAX_OFFSET_MINUTES = 18 * 60;

/**
 * Fills in the defaults. Throws a `ValidationError` for an offset that is not whole minutes
 * within ±18 hours: that is a fault in the configuration, not in a report.
 */
export function resolveParseOptions(
  options: ReceiptParseOptions | undefined,
  defaultProviderId: string,
): ResolvedParseOptions {
  const offset = options?.timeZoneOffsetMinutes ?? 0;
  if (!Number.isInteger(offset) || Math.abs(offset) > MAX_OFFSET_MINUTES) {
    const range = `-${MAX_OFFSET_MINUTES} and ${MAX_OFFSET_MINUTES}`;
    throw new ValidationError(
      `expected whole minutes between ${range}, got ${offset}`,
      'timeZoneOffsetMinutes',
    );
  }
  return { providerId: options?.providerId ?? defaultProviderId, timeZoneOffsetMinutes: offset };
}

/** A decoded body, or the one rejected item that stands for a body that cannot be decoded. */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly item: RejectedItem };

/** Parses a JSON body. A body that is empty or does not parse is one rejected item. */
export function decodeJson(payload: ReceiptPayload): Decoded<unknown> {
  if (payload.body.trim() === '') {
    return { ok: false, item: rejected('expected a JSON body, got an empty body', payload.body) };
  }
  try {
    return { ok: true, value: JSON.parse(payload.body) };
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    const reason = `expected a JSON body, but it does not parse${detail}`;
    return { ok: false, item: rejected(reason, payload.body) };
  }
}

/**
 * Decodes form fields (`application/x-www-form-urlencoded`, or a query string). A field that
 * appears twice keeps its first value. A body with no `name=value` pair is one rejected item.
 */
export function decodeForm(payload: ReceiptPayload): Decoded<Record<string, string>> {
  const text = payload.body.trim().replace(/^\?/, '');
  if (!text.includes('=')) {
    const got = text === '' ? 'an empty body' : 'no name=value pair';
    const reason = `expected form fields (name=value&…), got ${got}`;
    return { ok: false, item: rejected(reason, payload.body) };
  }
  const fields = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (!fields.has(name)) fields.set(name, value);
  }
  return { ok: true, value: Object.fromEntries(fields) };
}

/**
 * Whether the payload is JSON: by its content type when it has one (`application/json` or a
 * `+json` type), otherwise by a body that starts with `{` or `[`.
 */
export function looksLikeJson(payload: ReceiptPayload): boolean {
  const mediaType = payload.contentType?.split(';')[0]?.trim().toLowerCase();
  if (mediaType) return mediaType === 'application/json' || mediaType.endsWith('+json');
  return /^\s*[[{]/.test(payload.body);
}

/**
 * A payload that holds one receipt as form fields (a POST body or a query
 * string), read by `read`: the one item it gives, rejected if it cannot be read.
 */
export function parseOneFormReceipt(
  payload: ReceiptPayload,
  options: ReceiptParseOptions | undefined,
  format: string,
  read: (fields: Record<string, string>, options: ResolvedParseOptions) => Receipt,
): ParsedItem[] {
  const resolved = resolveParseOptions(options, format);
  const form = decodeForm(payload);
  if (!form.ok) return [form.item];
  return [readItem(payload.body, () => read(form.value, resolved))];
}
