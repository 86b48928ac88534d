import { z } from 'zod';
import { DELIVERY_STATUSES, type DeliveryStatus, isDeliveryStatus } from '../machines/status.js';

/*
 * Query parameters as zod schemas whose messages say what was expected and what came, e.g.
 * `expected a whole number from 1 to 1000, got "abc"`. Every parameter arrives as text, or as
 * a list of texts when it is repeated; each schema here is optional and reads undefined as
 * "not given".
 */

/** Most values a list parameter (`status=SENT,DELIVERED`) may hold. */
export const MAX_LIST_VALUES = 1000;

/** Most characters of one value. */
const MAX_VALUE_LENGTH = 200;

const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;

/** An example given in the messages about times. */
export const ISO_TIME_EXPECTED =
  'an ISO-8601 time such as 2026-11-30T10:00:00Z or 2026-11-30T19:00:00+09:00, or a date';

/** How a value that came is quoted in an error message: as sent, shortened when long. */
export function quoted(input: unknown): string {
  if (Array.isArray(input)) return `${input.length} values (the parameter repeated)`;
  const text = JSON.stringify(String(input));
  return text.length > 60 ? `${text.slice(0, 56)}…"` : text;
}

const raw = (expected: string) =>
  z.union([z.string(), z.array(z.string())], {
    error: (issue) => `expected ${expected}, got ${quoted(issue.input)}`,
  });

/**
 * A parameter given once, read by `read`, which answers undefined for text it does not take.
 * @param expected what the parameter takes, as the error message says it
 */
export function singleParam<T>(expected: string, read: (text: string) => T | undefined) {
  return raw(expected)
    .transform((input, context): T => {
      if (Array.isArray(input)) {
        const message = `expected ${expected}, given once, got it ${input.length} times`;
        context.issues.push({ code: 'custom', message, input });
        return z.NEVER;
      }
      const value = read(input.trim());
      if (value === undefined) {
        context.issues.push({
          code: 'custom',
          message: `expected ${expected}, got ${quoted(input)}`,
          input,
        });
        return z.NEVER;
      }
      return value;
    })
    .optional();
}

/** A whole number from `min` to `max`. */
export function wholeNumberParam(min: number, max: number) {
  const expected =
    max === Number.MAX_SAFE_INTEGER
      ? `a whole number >= ${min}`
      : `a whole number from ${min} to ${max}`;
  return singleParam(expected, (text) => {
    if (!/^\d{1,16}$/.test(text)) return undefined;
    const value = Number(text);
    return value >= min && value <= max ? value : undefined;
  });
}

/** An ISO-8601 time with its zone (`Z` or `+09:00`), or a date, which is its midnight UTC. */
export const timeParam = singleParam(ISO_TIME_EXPECTED, (text) => {
  if (!ISO_TIME.test(text)) return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
});

/** One of `values`, as written there. */
export function choiceParam<const T extends string>(values: readonly T[]) {
  const expected = values.length === 2 ? values.join(' or ') : `one of ${values.join(', ')}`;
  return singleParam(expected, (text) => values.find((value) => value === text));
}

/**
 * A value or a comma list of values (`a,b,c`); repeating the parameter adds to the list. Each
 * value is trimmed, and none may be empty.
 */
export function listParam<T extends string = string>(
  expected = 'a value or a comma-separated list of values',
  read: (value: string) => T | undefined = (value) => value as T,
) {
  return raw(expected)
    .transform((input, context): T[] => {
      const texts = Array.isArray(input) ? input : [input];
      const values = texts.flatMap((text) => text.split(',')).map((value) => value.trim());
      if (values.length > MAX_LIST_VALUES) {
        const message = `expected at most ${MAX_LIST_VALUES} values, got ${values.length}`;
        context.issues.push({ code: 'custom', message, input });
        return z.NEVER;
      }
      const parsed = values.map((value) =>
        value === '' || value.length > MAX_VALUE_LENGTH ? undefined : read(value),
      );
      const wrong = parsed.indexOf(undefined);
      if (wrong !== -1) {
        const value = values[wrong]!;
        const got = value === '' ? 'an empty value' : quoted(value);
        context.issues.push({ code: 'custom', message: `expected ${expected}, got ${got}`, input });
        return z.NEVER;
      }
      return [...new Set(parsed as T[])];
    })
    .optional();
}

/** Delivery statuses as a comma list, in any case: `sent,DELIVERED`. */
export const statusListParam = listParam<DeliveryStatus>(
  `statuses among ${DELIVERY_STATUSES.join(', ')}, separated by commas`,
  (value) => {
    const status = value.toUpperCase();
    return isDeliveryStatus(status) ? status : undefined;
  },
);

/**
 * An object of query parameters that refuses a parameter it does not know, so that a misspelt
 * one (`limt=10`) is an error rather than silently ignored.
 */
export function queryObject<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const names = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      const noun = issue.keys.length === 1 ? 'parameter' : 'parameters';
      return `unknown ${noun} ${names}; expected among ${known}`;
    },
  });
}
