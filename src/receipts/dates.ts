import { optionalText } from './fields.js';
import { UnreadableReceiptError } from './unreadable.js';

/** The calendar readings tried for an SMPP date of each length, in order of preference. */
const SMPP_DATE_READINGS: Readonly<Record<number, readonly string[]>> = {
  10: ['YYMMDDhhmm'],
  // Both readings can be valid for the same digits only for the years 2020 (YY) and 2000–2012
  // (YYYY); the seconds reading is preferred, as it is the one the SMPP specification allows.
  12: ['YYMMDDhhmmss', 'YYYYMMDDhhmm'],
  14: ['YYYYMMDDhhmmss'],
};

/**
 * Reads an SMPP receipt date: YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmm (and YYYYMMDDhhmmss), in
 * a zone `offsetMinutes` ahead of UTC. Two-digit years are 2000–2099. A date of only zeros
 * (`0000000000`) means none and gives `undefined`; anything else that is not a date is unreadable.
 */
export function parseSmppDate(
  text: string,
  offsetMinutes: number,
  field: string,
): Date | undefined {
  if (/^0+$/.test(text)) return undefined;

  const readings = /^\d+$/.test(text) ? (SMPP_DATE_READINGS[text.length] ?? []) : [];
  for (const pattern of readings) {
    const date = readDigits(text, pattern, offsetMinutes);
    if (date) return date;
  }
  throw new UnreadableReceiptError(
    `expected ${field} as YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmm, got "${text}"`,
  );
}

const ISO_TIME = new RegExp(
  [
    /^(\d{4})-(\d{2})-(\d{2})/.source, // date
    /[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?/.source, // time, seconds optional
    /\s*(Z|[+-]\d{2}:?\d{2})?$/.source, // zone, optional
  ].join(''),
  'i',
);

/**
 * Reads an ISO 8601 time such as `2026-11-30T10:00:04.000+0000`, `…+00:00`, `…Z`, or
 * `2026-11-30 10:10:29`. A time without a zone is taken as UTC.
 */
export function parseIsoTime(text: string, field: string): Date {
  const match = ISO_TIME.exec(text.trim());
  const date = match ? isoMatchToDate(match) : undefined;
  if (!date) {
    throw new UnreadableReceiptError(
      `expected ${field} as an ISO 8601 time (2026-11-30T10:00:04.000+0000), got "${text}"`,
    );
  }
  return date;
}

/** The time in the first of the fields `names` that has one, read by {@link parseIsoTime}. */
export function firstIsoTime(
  fields: Readonly<Record<string, unknown>>,
  names: readonly string[],
): Date | undefined {
  for (const name of names) {
    const text = optionalText(fields, name);
    if (text !== undefined) return parseIsoTime(text, `"${name}"`);
  }
  return undefined;
}

/** Reads a Unix time in milliseconds or seconds, given as a whole number or its digits. */
export function parseEpoch(value: string, unit: 'ms' | 's', field: string): Date {
  const count = /^-?\d{1,16}$/.test(value.trim()) ? Number(value) : Number.NaN;
  const date = new Date(unit === 'ms' ? count : count * 1000);
  if (Number.isNaN(date.getTime())) {
    const unitName = unit === 'ms' ? 'milliseconds' : 'seconds';
    throw new UnreadableReceiptError(
      `expected ${field} as Unix time in ${unitName}, got "${value}"`,
    );
  }
  return date;
}

/** A time as a clock on the wall shows it, months counted from 1. */
interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millis: number;
}

function readDigits(digits: string, pattern: string, offsetMinutes: number): Date | undefined {
  const at = (start: number, length: number) => Number(digits.slice(start, start + length));
  const fullYear = pattern.startsWith('YYYY');
  const rest = fullYear ? 4 : 2;

  const wallClock = {
    year: fullYear ? at(0, 4) : 2000 + at(0, 2),
    month: at(rest, 2),
    day: at(rest + 2, 2),
    hour: at(rest + 4, 2),
    minute: at(rest + 6, 2),
    second: pattern.endsWith('ss') ? at(rest + 8, 2) : 0,
    millis: 0,
  };
  return zonedTime(wallClock, offsetMinutes);
}

function isoMatchToDate(match: RegExpExecArray): Date | undefined {
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const wallClock = {
    year: Number(year),
    month: Number(month),
    day: Number(day),
    hour: Number(hour),
    minute: Number(minute),
    second: Number(second ?? 0),
    millis: Number((fraction ?? '').padEnd(3, '0').slice(0, 3)),
  };
  return zonedTime(wallClock, zoneOffsetMinutes(zone));
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
}

/**
 * The instant a wall clock in a zone `offsetMinutes` ahead of UTC shows, or `undefined` when the
 * fields are no real time (month 13, 31 April, 24:00).
 */
function zonedTime(time: WallClock, offsetMinutes: number): Date | undefined {
  const { year, month, day, hour, minute, second, millis } = time;
  const utc = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  const real =
    utc.getUTCFullYear() === year &&
    utc.getUTCMonth() === month - 1 &&
    utc.getUTCDate() === day &&
    utc.getUTCHours() === hour &&
    utc.getUTCMinutes() === minute &&
    utc.getUTCSeconds() === second;
  return real ? new Date(utc.getTime() - offsetMinutes * 60_000) : undefined;
}
