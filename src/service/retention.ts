import { randomUUID } from 'node:crypto';
import { ValidationError } from '../errors.js';
import { RETENTION_STREAM, streamIdOf } from '../machines/events.js';
import type { DeliveryState } from '../machines/state.js';
import type { ServiceContext } from './context.js';

const DAY_MS = 86_400_000;

/**
 * How long records and histories are kept, counted from the send. The most
 * specific rule wins: the tenant's, then the message type's, then the default.
 * Without any rule, everything is kept forever.
 */
export interface RetentionPolicy {
  /** Days to keep any message. @defaultValue forever */
  defaultDays?: number;
  /** Days to keep messages of a type, e.g. `{ ALIMTALK: 30 }`. */
  byType?: Record<string, number>;
  /** Days by the value of a tenant field in the send's `customFields`. */
  byTenant?: { field: string; days: Record<string, number> };
}

/** What a retention run removed. */
export interface RetentionSummary {
  /** Records looked at. */
  examined: number;
  /** Messages whose stream and record were deleted. */
  deleted: number;
  /** Deleted, by message type. */
  deletedByType: Record<string, number>;
}

const PAGE = 500;

export function checkRetention(policy: RetentionPolicy | undefined): RetentionPolicy | undefined {
  if (policy === undefined) return undefined;
  const all: Array<[string, number | undefined]> = [
    ['retention.defaultDays', policy.defaultDays],
    ...Object.entries(policy.byType ?? {}).map(
      ([k, v]) => [`retention.byType.${k}`, v] as [string, number],
    ),
    ...Object.entries(policy.byTenant?.days ?? {}).map(
      ([k, v]) => [`retention.byTenant.days.${k}`, v] as [string, number],
    ),
  ];
  for (const [path, days] of all) {
    if (days !== undefined && (!Number.isFinite(days) || days <= 0)) {
      throw new ValidationError(`expected a number of days > 0, got ${days}`, path);
    }
  }
  if (
    policy.byTenant &&
    (typeof policy.byTenant.field !== 'string' || policy.byTenant.field === '')
  ) {
    throw new ValidationError(
      'expected the name of a customFields field',
      'retention.byTenant.field',
    );
  }
  return policy;
}

/** Days this message is kept, or undefined to keep it forever. */
export function retentionDays(policy: RetentionPolicy, state: DeliveryState): number | undefined {
  const tenant = policy.byTenant;
  if (tenant) {
    const value = state.metadata?.customFields?.[tenant.field];
    const days = typeof value === 'string' ? tenant.days[value] : undefined;
    if (days !== undefined) return days;
  }
  return policy.byType?.[state.type] ?? policy.defaultDays;
}

function shortestDays(policy: RetentionPolicy): number | undefined {
  const all = [
    policy.defaultDays,
    ...Object.values(policy.byType ?? {}),
    ...Object.values(policy.byTenant?.days ?? {}),
  ].filter((d): d is number => d !== undefined);
  return all.length === 0 ? undefined : Math.min(...all);
}

/**
 * Deletes the messages older than their retention period: first each one's
 * stream, then one event that tells the projections to forget them. A run
 * cut short is finished by the next one.
 */
export async function runRetention(
  ctx: ServiceContext,
  policy: RetentionPolicy | undefined,
): Promise<RetentionSummary> {
  const summary: RetentionSummary = { examined: 0, deleted: 0, deletedByType: {} };
  const shortest = policy && shortestDays(policy);
  if (!policy || shortest === undefined) return summary;

  const now = ctx.now();
  const requestedAtTo = new Date(now - shortest * DAY_MS);
  let kept = 0;
  for (;;) {
    const page = await ctx.projections.list({
      requestedAtTo,
      orderBy: 'requestedAt',
      orderDirection: 'asc',
      limit: PAGE,
      offset: kept,
    });
    if (page.length === 0) break;
    summary.examined += page.length;

    const doomed = page.filter((state) => {
      const days = retentionDays(policy, state);
      return days !== undefined && state.requestedAt < now - days * DAY_MS;
    });
    kept += page.length - doomed.length;
    if (doomed.length === 0) continue;

    for (const state of doomed) await ctx.events.deleteStream(streamIdOf(state.messageId));
    const messageIds = doomed.map((state) => state.messageId);
    const { position } = await ctx.events.append(RETENTION_STREAM, [
      {
        id: randomUUID(),
        type: 'MessagesForgotten',
        data: { messageIds, forgottenAt: now, reason: 'retention' },
        metadata: { schemaVersion: 1, occurredAt: now },
      },
    ]);
    for (const id of messageIds) ctx.actors.forget(id);
    await ctx.projection.waitFor(position);

    summary.deleted += doomed.length;
    for (const state of doomed) {
      summary.deletedByType[state.type] = (summary.deletedByType[state.type] ?? 0) + 1;
    }
  }
  if (summary.deleted > 0) {
    ctx.log.info({ ...summary }, 'retention deleted old messages');
  }
  return summary;
}
