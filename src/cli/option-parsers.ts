import { InvalidArgumentError } from 'commander';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../machines/status.js';
import type { Shard } from '../projections/projection-store.js';

/** Reads a TCP port: a whole number from 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  }
  return port;
}

/** Reads a text option that may not be blank. */
export function parseNonBlank(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('expected a non-empty value.');
  return text;
}

/** Reads a whole number from 0, such as a limit or an offset. */
export function parseCount(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(count)) {
    throw new InvalidArgumentError('expected a whole number from 0.');
  }
  return count;
}

/** Reads a whole number from 1, such as a number of rows to hold. */
export function parsePositiveCount(text: string): number {
  const count = parseCount(text);
  if (count < 1) throw new InvalidArgumentError('expected a whole number from 1.');
  return count;
}

/** Reads a comma list of values that may not be blank, such as `smsc-1,smsc-2`. */
export function parseList(text: string): string[] {
  const values = text.split(',').map((value) => value.trim());
  if (values.some((value) => value === '')) {
    throw new InvalidArgumentError('expected values separated by commas, none of them empty.');
  }
  return values;
}

/** Reads a comma list of statuses, in any case: `delivered,failed`. */
export function parseStatuses(text: string): DeliveryStatus[] {
  const statuses = text.split(',').map((status) => status.trim().toUpperCase());
  const wrong = statuses.find((status) => !(DELIVERY_STATUSES as string[]).includes(status));
  if (wrong !== undefined) {
    const got = wrong === '' ? 'an empty one' : JSON.stringify(wrong);
    throw new InvalidArgumentError(
      `expected statuses among ${DELIVERY_STATUSES.join(', ')}, separated by commas; got ${got}.`,
    );
  }
  return statuses as DeliveryStatus[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME =
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/**
 * Reads an ISO 8601 time with its zone (`2026-11-30T10:00:00Z`, `2026-11-30T19:00+09:00`), or a
 * date alone (`2026-11-30`, midnight UTC). A time without a zone is refused rather than read in
 * the machine's own zone.
 */
export function parseTime(text: string): Date {
  const trimmed = text.trim();
  const time = new Date(trimmed);
  const wellFormed = ISO_DATE.test(trimmed) || ISO_DATE_TIME.test(trimmed);
  if (!wellFormed || Number.isNaN(time.getTime()) || !isCalendarDate(trimmed)) {
    throw new InvalidArgumentError(
      'expected an ISO time with its zone, such as 2026-11-30T10:00:00Z, or a date such as ' +
        '2026-11-30.',
    );
  }
  return time;
}

/** Whether the text's `YYYY-MM-DD` is a day of the calendar (Date rolls 2026-11-31 over). */
function isCalendarDate(text: string): boolean {
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Reads a shard as `index/count`, such as `0/3`: this instance's share of the messages. */
export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count) {
    throw new InvalidArgumentError(
      'expected index/count with 0 <= index < count, such as 0/2 (the first of two shards).',
    );
  }
  return { index, count };
}

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** The longest delay a Node timer keeps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Reads a duration such as `30m`, `1h`, `90s` or `1d` into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!]! : Number.NaN;
  if (!(ms >= 1)) {
    throw new InvalidArgumentError(
      'expected a duration of a number and a unit (ms, s, m, h or d), such as 30m or 1h.',
    );
  }
  if (ms > MAX_TIMER_MS) throw new InvalidArgumentError('expected a duration of at most 24d.');
  return Math.round(ms);
}
