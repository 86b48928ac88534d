import { z } from 'zod';
import { ValidationError } from '../errors.js';

/** A query parameter given once and not blank. */
export const queryText = z
  .string('expected the parameter once, as text')
  .trim()
  .min(1, 'expected a non-empty value')
  .max(200, 'expected at most 200 characters');

/**
 * Reads query parameters with a zod schema.
 * @throws ValidationError naming the first parameter that is wrong, e.g. `query.status`
 */
export function parseQuery<T extends z.ZodType>(schema: T, query: unknown): z.output<T> {
  const parsed = schema.safeParse(query ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const path = ['query', ...issue.path.map(String)].join('.');
  throw new ValidationError(issue.message, path);
}
