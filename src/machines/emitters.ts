import type { DeliveryCommand, ReceiptToApply, SendToRecord } from './commands.js';
import type {
  ChangeCause,
  CheckResult,
  DeliveryEvent,
  ErrorInfo,
  Observation,
  StatusChangedData,
} from './events.js';
import { judge } from './observe.js';
import { backoffDelay, isRetryable, type PollingConfig } from './policy.js';
import type { DeliveryState } from './state.js';
import type { DeliveryStatus } from './status.js';

/*
 * What each transition of the delivery machine emits. Each function takes the
 * message's state and the command and returns the events to append.
 */

type Command<T extends DeliveryCommand['type']> = Extract<DeliveryCommand, { type: T }>;

export function trackingStart(state: DeliveryState, policy: PollingConfig): number {
  return state.scheduledAt === undefined
    ? state.requestedAt
    : state.scheduledAt + policy.scheduledGraceMs;
}

export function sendRecorded(
  send: SendToRecord,
  now: number,
  policy: PollingConfig,
): DeliveryEvent[] {
  const hasProviderId = send.providerMessageId.trim().length > 0;
  const scheduled = Number.isFinite(send.scheduledAt);
  const status: DeliveryStatus = !hasProviderId ? 'UNKNOWN' : scheduled ? 'PENDING' : 'SENT';
  const nextCheckAt = !hasProviderId
    ? now
    : scheduled
      ? send.scheduledAt! + policy.scheduledGraceMs
      : send.requestedAt + policy.initialDelayMs;

  return [
    {
      type: 'SendRecorded',
      data: {
        messageId: send.messageId,
        providerId: send.providerId,
        providerMessageId: send.providerMessageId.trim(),
        type: send.type,
        to: send.to,
        ...(send.from !== undefined && { from: send.from }),
        requestedAt: send.requestedAt,
        ...(scheduled && { scheduledAt: send.scheduledAt! }),
        recordedAt: now,
        status,
        nextCheckAt: nextCheckAt,
        ...(!hasProviderId && {
          lastError: { code: 'MISSING_PROVIDER_MESSAGE_ID', message: 'providerMessageId missing' },
        }),
        ...(send.sendStatus !== undefined && { sendStatus: send.sendStatus }),
        ...(send.warningCodes &&
          send.warningCodes.length > 0 && { warningCodes: send.warningCodes }),
        ...(send.customFields !== undefined && { customFields: send.customFields }),
        ...(send.failover !== undefined && { failover: send.failover }),
      },
    },
  ];
}

export function deferForScheduleGrace(
  state: DeliveryState,
  c: Command<'check.due'>,
): DeliveryEvent[] {
  return [
    {
      type: 'CheckDeferred',
      data: {
        checkedAt: c.now,
        attempt: state.attemptCount + 1,
        nextCheckAt: state.scheduledAt! + c.policy.scheduledGraceMs,
        reason: 'schedule-grace',
      },
    },
  ];
}

export function waitForReceipts(state: DeliveryState, c: Command<'check.due'>): DeliveryEvent[] {
  const attempt = state.attemptCount + 1;
  // Without a tracking limit there is no deadline to wait for: back off instead.
  const nextCheckAt =
    c.policy.maxTrackingDurationMs > 0
      ? Math.max(trackingStart(state, c.policy) + c.policy.maxTrackingDurationMs + 1, c.now + 1)
      : c.now + backoffDelay(attempt, c.policy.backoffMs);
  return [
    {
      type: 'CheckDeferred',
      data: {
        checkedAt: c.now,
        attempt,
        nextCheckAt,
        reason: 'awaiting-receipts',
      },
    },
  ];
}

const END_OF_CHECKING: Record<
  'tracking-timeout' | 'provider-not-found' | 'unsupported-provider',
  (state: DeliveryState) => ErrorInfo
> = {
  'tracking-timeout': () => ({
    code: 'TRACKING_TIMEOUT',
    message: 'max tracking duration exceeded',
  }),
  'provider-not-found': (s) => ({
    code: 'PROVIDER_NOT_FOUND',
    message: `Provider not found: ${s.providerId}`,
  }),
  'unsupported-provider': () => ({
    code: 'UNSUPPORTED_PROVIDER',
    message: 'Provider has no getDeliveryStatus()',
  }),
};

/** The check ends tracking: the message becomes UNKNOWN. */
export function endTracking(
  state: DeliveryState,
  c: Command<'check.due'>,
  kind: keyof typeof END_OF_CHECKING,
): DeliveryEvent[] {
  const lastError = END_OF_CHECKING[kind](state);
  return [
    {
      type: 'CheckCompleted',
      data: {
        checkedAt: c.now,
        attempt: state.attemptCount + 1,
        result: { kind },
        nextCheckAt: c.now,
        lastError,
      },
    },
    statusChange(state, 'UNKNOWN', c.now, kind, { lastError }),
  ];
}

export function skipUnsupported(state: DeliveryState, c: Command<'check.due'>): DeliveryEvent[] {
  const attempt = state.attemptCount + 1;
  return [
    {
      type: 'CheckCompleted',
      data: {
        checkedAt: c.now,
        attempt,
        result: { kind: 'unsupported-provider' },
        nextCheckAt: c.now + backoffDelay(attempt, c.policy.backoffMs),
        lastError: END_OF_CHECKING['unsupported-provider'](state),
      },
    },
  ];
}

export function checkAnswered(state: DeliveryState, c: Command<'check.answered'>): DeliveryEvent[] {
  const attempt = state.attemptCount + 1;
  const nextCheckAt = c.now + backoffDelay(attempt, c.policy.backoffMs);
  const base = { checkedAt: c.now, attempt, nextCheckAt };

  if (c.observation === null) {
    return [{ type: 'CheckCompleted', data: { ...base, result: { kind: 'no-status' } } }];
  }

  const observation = c.observation;
  const { disposition, reason } = judge(state.status, observation.status);
  const result: CheckResult = { kind: 'status', observation };
  const events: DeliveryEvent[] = [
    {
      type: 'CheckCompleted',
      data: { ...base, result, disposition, ...(reason !== undefined && { reason }) },
    },
  ];
  const change = changeFor(state, disposition, observation, c.now, 'check');
  if (change) events.push(change);
  return events;
}

export function checkFailed(state: DeliveryState, c: Command<'check.failed'>): DeliveryEvent[] {
  const attempt = state.attemptCount + 1;
  const retryable = isRetryable(c.error);
  const lastError = { code: c.error.code, message: c.error.message };
  const ends = !retryable && (state.status === 'PENDING' || state.status === 'SENT');
  const events: DeliveryEvent[] = [
    {
      type: 'CheckCompleted',
      data: {
        checkedAt: c.now,
        attempt,
        result: { kind: 'error', error: c.error, retryable },
        nextCheckAt: ends ? c.now : c.now + backoffDelay(attempt, c.policy.backoffMs),
        lastError,
      },
    },
  ];
  if (ends) events.push(statusChange(state, 'UNKNOWN', c.now, 'check-error', { lastError }));
  return events;
}

export function receiptReceived(
  state: DeliveryState,
  c: Command<'receipt.received'>,
): DeliveryEvent[] {
  const r = c.receipt;
  const segmented = r.segment ? segmentReceipt(state, r) : undefined;
  const observation = segmented?.observation ?? r.observation;
  const { disposition, reason } = segmented?.rejected ?? judge(state.status, observation.status);
  const events: DeliveryEvent[] = [
    {
      type: 'ReceiptReceived',
      data: {
        receiptKey: r.receiptKey,
        receivedAt: c.now,
        ...(r.format !== undefined && { format: r.format }),
        providerStatus: r.providerStatus,
        ...(r.errorCode !== undefined && { errorCode: r.errorCode }),
        ...(r.occurredAt !== undefined && { occurredAt: r.occurredAt }),
        ...(r.segment !== undefined && { segment: r.segment }),
        ...(segmented?.segmentStatus !== undefined && { segmentStatus: segmented.segmentStatus }),
        observation,
        disposition,
        ...(reason !== undefined && { reason }),
      },
    },
  ];
  const change = changeFor(state, disposition, observation, c.now, 'receipt');
  if (change) events.push(change);
  return events;
}

/**
 * A receipt for one part of a multi-part message: the part's own status moves
 * forward only, and the message's status is what its parts add up to.
 */
function segmentReceipt(state: DeliveryState, r: ReceiptToApply) {
  const { index, count } = r.segment!;
  const before = state.segments?.[String(index)];
  const own = before === undefined ? undefined : judge(before, r.observation.status);
  if (own?.disposition === 'not-applied') {
    return {
      observation: r.observation,
      rejected: {
        disposition: 'not-applied' as const,
        reason: `part ${index} of ${count}: ${own.reason}`,
      },
    };
  }
  const segments = { ...state.segments, [String(index)]: r.observation.status };
  const status = segmentsStatus(segments, count);
  const { deliveredAt, failedAt, ...rest } = r.observation;
  const observation: Observation = {
    ...rest,
    status,
    ...(status === 'DELIVERED' && deliveredAt !== undefined && { deliveredAt }),
    ...(status === 'FAILED' && failedAt !== undefined && { failedAt }),
  };
  return { observation, segmentStatus: r.observation.status, rejected: undefined };
}

/** FAILED when any part failed, DELIVERED when every part was delivered, SENT until then. */
export function segmentsStatus(
  segments: Readonly<Record<string, DeliveryStatus>>,
  count: number,
): DeliveryStatus {
  const statuses = Object.values(segments);
  if (statuses.includes('FAILED')) return 'FAILED';
  const delivered = statuses.filter((s) => s === 'DELIVERED').length;
  if (delivered >= count) return 'DELIVERED';
  const final = statuses.filter((s) => s !== 'PENDING' && s !== 'SENT').length;
  if (final >= count) return 'UNKNOWN';
  return 'SENT';
}

export function failoverStarted(
  state: DeliveryState,
  c: Command<'failover.consider'>,
): DeliveryEvent[] {
  const request = state.metadata?.failover?.request ?? {};
  const fallbackType = request.fallbackChannel === 'lms' ? 'LMS' : 'SMS';
  const events: DeliveryEvent[] = [
    {
      type: 'FailoverStarted',
      data: {
        attemptedAt: c.now,
        ...(c.attemptId !== undefined && { attemptId: c.attemptId }),
        fallbackMessageId: `${state.messageId}:api-fallback`,
        fallbackType,
      },
    },
  ];
  const skip = !c.senderConfigured
    ? {
        warningCode: 'API_FAILOVER_SENDER_MISSING',
        warningMessage: 'apiFailover.sender is not configured',
      }
    : (request.fallbackContent?.trim() ?? '') === ''
      ? {
          warningCode: 'FALLBACK_CONTENT_MISSING',
          warningMessage: 'failover.fallbackContent is required for API-level fallback',
        }
      : undefined;
  if (skip) {
    events.push({
      type: 'FailoverFinished',
      data: { finishedAt: c.now, outcome: 'skipped', ...skip },
    });
  }
  return events;
}

export function failoverFinished(c: Command<'failover.finished'>): DeliveryEvent[] {
  return [{ type: 'FailoverFinished', data: { finishedAt: c.now, ...c.result } }];
}

function changeFor(
  state: DeliveryState,
  disposition: string,
  observation: Observation,
  now: number,
  cause: ChangeCause,
): DeliveryEvent | undefined {
  if (disposition === 'applied') {
    return statusChange(state, observation.status, now, cause, observation);
  }
  if (disposition === 'settled-late') {
    return {
      ...statusChange(state, observation.status, now, cause, observation),
      type: 'StatusSettledLate',
    };
  }
  return undefined;
}

function statusChange(
  state: DeliveryState,
  to: DeliveryStatus,
  now: number,
  cause: ChangeCause,
  detail: Partial<Observation> & { lastError?: ErrorInfo },
): { type: 'StatusChanged'; data: StatusChangedData } {
  return {
    type: 'StatusChanged',
    data: {
      from: state.status,
      to,
      changedAt: now,
      cause,
      ...(detail.statusCode !== undefined && { statusCode: detail.statusCode }),
      ...(detail.statusMessage !== undefined && { statusMessage: detail.statusMessage }),
      ...(detail.sentAt !== undefined && { sentAt: detail.sentAt }),
      ...(detail.deliveredAt !== undefined && { deliveredAt: detail.deliveredAt }),
      ...(detail.failedAt !== undefined && { failedAt: detail.failedAt }),
      ...(detail.lastError !== undefined && { lastError: detail.lastError }),
      ...(detail.raw !== undefined && { raw: detail.raw }),
    },
  };
}
