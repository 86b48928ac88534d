import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { SendToRecord } from '../machines/commands.js';
import { nestsDeeperThan } from './bounded-json.js';
import { time, toMs } from './validate-time.js';

const nonBlank = z.string().trim().min(1, 'expected a non-empty string');

/** The longest message id: ids are keys, and they travel in URLs. */
export const MAX_MESSAGE_ID_LENGTH = 256;

const messageId = z
  .string()
  .refine((s) => s.trim().length > 0, 'expected a non-empty string')
  .refine(
    (s) => s.length <= MAX_MESSAGE_ID_LENGTH,
    `expected at most ${MAX_MESSAGE_ID_LENGTH} characters`,
  )
  .refine((s) => s.isWellFormed(), 'expected well-formed Unicode text')
  .refine((s) => s === s.trim(), 'expected no spaces around the id');

const CUSTOM_FIELDS_DEPTH = 32;

const failover = z
  .object({
    enabled: z.boolean().optional(),
    fallbackChannel: z.enum(['sms', 'lms']).optional(),
    fallbackContent: z.string().optional(),
    fallbackTitle: z.string().optional(),
  })
  .passthrough();

const contextSchema = z.object({
  messageId,
  timestamp: time,
  options: z
    .object({
      type: nonBlank,
      to: nonBlank,
      from: z.string().optional(),
      options: z
        .object({
          // An invalid scheduledAt Date is treated as no schedule, as in k-msg.
          scheduledAt: z.union([time, z.instanceof(Date), z.null()]).optional(),
          customFields: z
            .record(z.string(), z.unknown())
            .refine(
              (fields) => !nestsDeeperThan(fields, CUSTOM_FIELDS_DEPTH),
              `expected at most ${CUSTOM_FIELDS_DEPTH} levels of nesting`,
            )
            .optional(),
        })
        .passthrough()
        .optional(),
      failover: failover.optional(),
    })
    .passthrough(),
});

const resultSchema = z
  .object({
    messageId: z.string().optional(),
    providerId: nonBlank,
    providerMessageId: z.string().nullish(),
    status: z.string().optional(),
    type: z.string().optional(),
    to: z.string().optional(),
    warnings: z
      .array(z.object({ code: z.string(), message: z.string().optional() }).passthrough())
      .optional(),
  })
  .passthrough();

/** Turns a zod failure into one ValidationError that says where and what was expected. */
export function validationError(error: z.ZodError, root: string): ValidationError {
  const issue = error.issues[0]!;
  const path = [root, ...issue.path.map(String)].join('.');
  return new ValidationError(describeIssue(issue), path);
}

/** Zod's message, made to say what was expected where it says only "Invalid input". */
function describeIssue(issue: z.core.$ZodIssue): string {
  const given = (issue as { input?: unknown }).input;
  if (issue.code === 'invalid_union' || issue.message === 'Invalid input') {
    const got = given === undefined ? 'nothing' : (JSON.stringify(given) ?? typeof given);
    const expected =
      issue.path.at(-1) === 'timestamp' || issue.path.at(-1) === 'scheduledAt'
        ? 'a time: a Date, epoch milliseconds, or ISO-8601 text with a zone'
        : 'a value of another kind';
    return `expected ${expected}, got ${got}`;
  }
  return issue.message;
}

/**
 * Checks `recordSend`'s arguments (k-msg's hook context and send result) and
 * turns them into the send the machine records.
 * @throws ValidationError naming the first field that is wrong
 */
export function parseSend(context: unknown, result: unknown): SendToRecord {
  const c = contextSchema.safeParse(context);
  if (!c.success) throw validationError(c.error, 'context');
  const r = resultSchema.safeParse(result);
  if (!r.success) throw validationError(r.error, 'result');

  const { messageId, timestamp, options } = c.data;
  const requestedAt = toMs(timestamp);
  const scheduled = options.options?.scheduledAt;
  const scheduledAt = scheduled === undefined || scheduled === null ? Number.NaN : toMs(scheduled);
  const warningCodes = (r.data.warnings ?? []).map((w) => w.code);
  const customFields = options.options?.customFields;
  const request = options.failover;

  return {
    messageId,
    providerId: r.data.providerId,
    providerMessageId: (r.data.providerMessageId ?? '').trim(),
    type: options.type,
    to: options.to,
    ...(options.from !== undefined && { from: options.from }),
    requestedAt,
    ...(Number.isFinite(scheduledAt) && { scheduledAt }),
    ...(r.data.status !== undefined && { sendStatus: r.data.status }),
    ...(warningCodes.length > 0 && { warningCodes }),
    ...(customFields !== undefined && {
      customFields: jsonCopy(customFields, 'context.options.options.customFields'),
    }),
    ...(request !== undefined && {
      failover: {
        ...(request.enabled !== undefined && { enabled: request.enabled }),
        ...(request.fallbackChannel !== undefined && { fallbackChannel: request.fallbackChannel }),
        ...(request.fallbackContent !== undefined && { fallbackContent: request.fallbackContent }),
        ...(request.fallbackTitle !== undefined && { fallbackTitle: request.fallbackTitle }),
      },
    }),
  };
}

/** A JSON copy of user data, so that what is stored is what is read back. */
export function jsonCopy<T>(value: T, path: string): T {
  try {
    return JSON.parse(JSON.stringify(value)) as T;
  } catch (error) {
    throw new ValidationError(`cannot be stored as JSON: ${(error as Error).message}`, path);
  }
}
