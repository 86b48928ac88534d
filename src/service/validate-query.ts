import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { type Position, parsePosition } from '../eventstore/position.js';
import { DELIVERY_STATUSES } from '../machines/status.js';
import type { ChangeFilter } from '../projections/change-feed.js';
import type { CountByField, ListOptions, RecordFilter } from '../projections/record-filter.js';
import { validationError } from './validate-send.js';

const text = z.string();
const oneOrMany = z.union([text, z.array(text)]);
const status = z.enum(DELIVERY_STATUSES as [string, ...string[]], {
  error: `expected one of ${DELIVERY_STATUSES.join(', ')}`,
});
const validDate = z.date({ error: 'expected a valid Date' });

const filterShape = {
  messageId: oneOrMany.optional(),
  providerId: oneOrMany.optional(),
  providerMessageId: oneOrMany.optional(),
  type: oneOrMany.optional(),
  status: z.union([status, z.array(status)]).optional(),
  to: oneOrMany.optional(),
  from: oneOrMany.optional(),
  requestedAtFrom: validDate.optional(),
  requestedAtTo: validDate.optional(),
  statusUpdatedAtFrom: validDate.optional(),
  statusUpdatedAtTo: validDate.optional(),
};

const filterSchema = z.object(filterShape).passthrough();

const listSchema = z
  .object({
    ...filterShape,
    limit: z.number().int().min(0, 'expected a whole number >= 0'),
    offset: z.number().int().min(0, 'expected a whole number >= 0').optional(),
    orderBy: z.enum(['requestedAt', 'statusUpdatedAt']).optional(),
    orderDirection: z.enum(['asc', 'desc']).optional(),
  })
  .passthrough();

const countBySchema = z.array(z.enum(['providerId', 'type', 'status']), {
  error: 'expected an array of providerId, type, status',
});

const changeSchema = z.object({
  messageId: text.optional(),
  providerId: text.optional(),
  status: z.union([status, z.array(status)]).optional(),
});

function check<T>(schema: z.ZodType<T>, value: unknown, root: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationError(parsed.error, root);
  return parsed.data;
}

export function checkFilter(filter: unknown): RecordFilter {
  return check(filterSchema, filter ?? {}, 'filter') as RecordFilter;
}

export function checkListOptions(options: unknown): ListOptions {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('expected an object with at least a limit', 'options');
  }
  return check(listSchema, options, 'options') as ListOptions;
}

export function checkGroupBy(groupBy: unknown): CountByField[] {
  return check(countBySchema, groupBy, 'groupBy');
}

/** A status-change filter, and where a replay starts. */
export function checkChangeOptions(options: unknown): {
  filter: ChangeFilter;
  from: Position | null | undefined;
} {
  if (options === null || typeof options !== 'object') {
    throw new ValidationError('expected an object', 'options');
  }
  const { from, ...rest } = options as { from?: unknown };
  const filter = check(changeSchema, rest, 'options') as ChangeFilter;
  return { filter, from: checkFrom(from) };
}

function checkFrom(from: unknown): Position | null | undefined {
  if (from === undefined) return undefined;
  if (from === 'start') return null;
  if (typeof from === 'string') {
    const parsed = parsePosition(from);
    if (parsed) return parsed;
  }
  if (
    from !== null &&
    typeof from === 'object' &&
    typeof (from as Position).commit === 'bigint' &&
    typeof (from as Position).prepare === 'bigint'
  ) {
    return from as Position;
  }
  throw new ValidationError(
    `expected "start", a position such as "42" or "42/40", or a Position, got ${String(from)}`,
    'from',
  );
}
