import { z } from 'zod';

/** The range of `Date`: about 275,000 years either side of 1970. */
const MAX_TIME = 8.64e15;

const ISO_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2}))?$/;

/**
 * Whether text is an ISO-8601 time with a zone (`2026-11-30T10:00:00Z`,
 * `…+09:00`) or a plain date (midnight UTC) naming a day that exists.
 */
export function isIsoTime(text: string): boolean {
  const match = ISO_TIME.exec(text);
  if (!match) return false;
  if (match[4] !== undefined && !/(Z|[+-]\d{2}:?\d{2})$/.test(text)) return false;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** A time as a valid `Date`, an ISO-8601 string with a zone, or epoch milliseconds. */
export const time = z.union([
  z.date({ error: 'expected a valid Date' }),
  z
    .number()
    .refine(
      (n) => Number.isFinite(n) && Math.abs(n) <= MAX_TIME,
      `expected epoch milliseconds within ±${MAX_TIME}`,
    ),
  z.string().refine(isIsoTime, 'expected an ISO-8601 time with a zone, e.g. 2026-11-30T10:00:00Z'),
]);

export function toMs(value: Date | number | string): number {
  return value instanceof Date
    ? value.getTime()
    : typeof value === 'number'
      ? value
      : Date.parse(value);
}
