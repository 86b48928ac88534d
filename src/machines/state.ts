import type { DeliveryEvent, ErrorInfo, FailoverRequest, Observation } from './events.js';
import type { DeliveryStatus } from './status.js';

export interface FailoverAttemptState {
  readonly attempted: boolean;
  readonly status: 'not_attempted' | 'attempting';
  readonly attemptedAt?: string;
  readonly outcome?: 'sent' | 'failed' | 'skipped';
  readonly warningCode?: string;
  readonly warningMessage?: string;
  readonly fallbackMessageId?: string;
  readonly fallbackProviderId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface FailoverState {
  readonly request: FailoverRequest;
  readonly sendWarningCodes: readonly string[];
  readonly apiAttempt: FailoverAttemptState;
}

/**
 * Everything known about one message, as its events left it. Times are epoch
 * milliseconds. It is both the delivery machine's context and the row the
 * records projection keeps.
 */
export interface DeliveryState {
  readonly messageId: string;
  readonly providerId: string;
  readonly providerMessageId: string;
  readonly type: string;
  readonly to: string;
  readonly from?: string;
  readonly requestedAt: number;
  readonly scheduledAt?: number;
  readonly status: DeliveryStatus;
  readonly statusUpdatedAt: number;
  readonly providerStatusCode?: string;
  readonly providerStatusMessage?: string;
  readonly sentAt?: number;
  readonly deliveredAt?: number;
  readonly failedAt?: number;
  readonly attemptCount: number;
  readonly lastCheckedAt?: number;
  readonly nextCheckAt: number;
  readonly lastError?: ErrorInfo;
  readonly raw?: unknown;
  readonly metadata?: {
    readonly customFields?: Record<string, unknown>;
    readonly failover?: FailoverState;
  };
  /** Keys of the receipts already taken, so that a repeated one has no effect. */
  readonly receiptKeys?: readonly string[];
  /** For a multi-part message: each part's status, by part number. */
  readonly segments?: Readonly<Record<string, DeliveryStatus>>;
  /** True once an UNKNOWN message was settled by a later report. */
  readonly settledLate?: boolean;
}

/**
 * Applies one event to a message's state. Pure: the same events always give
 * the same state, which is what lets projections be rebuilt.
 */
export function evolve(state: DeliveryState | undefined, event: DeliveryEvent): DeliveryState {
  if (event.type === 'SendRecorded') {
    const d = event.data;
    return {
      messageId: d.messageId,
      providerId: d.providerId,
      providerMessageId: d.providerMessageId,
      type: d.type,
      to: d.to,
      ...(d.from !== undefined && { from: d.from }),
      requestedAt: d.requestedAt,
      ...(d.scheduledAt !== undefined && { scheduledAt: d.scheduledAt }),
      status: d.status,
      statusUpdatedAt: d.recordedAt,
      attemptCount: 0,
      nextCheckAt: d.nextCheckAt,
      ...(d.lastError && { lastError: d.lastError }),
      ...sendMetadata(d.customFields, d.failover, d.type, d.warningCodes),
    };
  }
  if (state === undefined) {
    throw new Error(`event ${event.type} cannot come before SendRecorded`);
  }

  const next: Draft = { ...state };
  switch (event.type) {
    case 'CheckDeferred':
      next.attemptCount = event.data.attempt;
      next.lastCheckedAt = event.data.checkedAt;
      next.nextCheckAt = event.data.nextCheckAt;
      return next;
    case 'CheckCompleted': {
      const d = event.data;
      // An answer that arrives after the message ended is history only: the
      // check bookkeeping, and why the message ended, stay as they were.
      if (state.status === 'PENDING' || state.status === 'SENT') {
        next.attemptCount = d.attempt;
        next.lastCheckedAt = d.checkedAt;
        next.nextCheckAt = d.nextCheckAt;
        next.lastError = d.lastError;
      }
      if (d.result.kind === 'status' && d.disposition === 'unchanged' && isOpen(state)) {
        observe(next, d.result.observation);
      }
      return next;
    }
    case 'ReceiptReceived': {
      const d = event.data;
      next.receiptKeys = [...(state.receiptKeys ?? []), d.receiptKey];
      if (d.segment !== undefined && d.segmentStatus !== undefined) {
        next.segments = { ...state.segments, [String(d.segment.index)]: d.segmentStatus };
      }
      // A final status keeps what the report that settled it said; a repeat
      // of it is history only.
      if (d.disposition === 'unchanged' && isOpen(state)) observe(next, d.observation);
      return next;
    }
    case 'StatusChanged':
    case 'StatusSettledLate': {
      const d = event.data;
      next.status = d.to;
      next.statusUpdatedAt = d.changedAt;
      next.lastError = d.lastError;
      if (event.type === 'StatusSettledLate') next.settledLate = true;
      // A final status ends polling; nextCheckAt keeps the time it ended.
      if (d.to !== 'PENDING' && d.to !== 'SENT') next.nextCheckAt = d.changedAt;
      observe(next, d);
      return next;
    }
    case 'FailoverStarted':
      return withFailoverAttempt(next, {
        attempted: true,
        status: 'attempting',
        attemptedAt: new Date(event.data.attemptedAt).toISOString(),
      });
    case 'FailoverFinished': {
      const { finishedAt: _, ...outcome } = event.data;
      return withFailoverAttempt(next, outcome);
    }
  }
}

function isOpen(state: DeliveryState): boolean {
  return state.status === 'PENDING' || state.status === 'SENT';
}

type Draft = { -readonly [K in keyof DeliveryState]: DeliveryState[K] };

/** Takes what a provider reported into the state; fields it did not report stay. */
function observe(next: Draft, o: Omit<Observation, 'status'>): void {
  if (o.statusCode !== undefined) next.providerStatusCode = o.statusCode;
  if (o.statusMessage !== undefined) next.providerStatusMessage = o.statusMessage;
  if (o.sentAt !== undefined) next.sentAt = o.sentAt;
  if (o.deliveredAt !== undefined) next.deliveredAt = o.deliveredAt;
  if (o.failedAt !== undefined) next.failedAt = o.failedAt;
  if (o.raw !== undefined) next.raw = o.raw;
}

/** Folds a whole stream. */
export function replay(events: Iterable<DeliveryEvent>): DeliveryState | undefined {
  let state: DeliveryState | undefined;
  for (const event of events) state = evolve(state, event);
  return state;
}

function sendMetadata(
  customFields: Record<string, unknown> | undefined,
  failover: FailoverRequest | undefined,
  type: string,
  warningCodes: readonly string[] | undefined,
): Pick<DeliveryState, 'metadata'> {
  const metadata: { customFields?: Record<string, unknown>; failover?: FailoverState } = {};
  if (customFields !== undefined) metadata.customFields = customFields;
  if (type === 'ALIMTALK') {
    metadata.failover = {
      request: failover ?? {},
      sendWarningCodes: warningCodes ?? [],
      apiAttempt: { attempted: false, status: 'not_attempted' },
    };
  }
  return Object.keys(metadata).length > 0 ? { metadata } : {};
}

function withFailoverAttempt(
  state: DeliveryState,
  patch: Partial<FailoverAttemptState>,
): DeliveryState {
  const failover = state.metadata?.failover ?? {
    request: {},
    sendWarningCodes: [],
    apiAttempt: { attempted: false, status: 'not_attempted' as const },
  };
  return {
    ...state,
    metadata: {
      ...state.metadata,
      failover: { ...failover, apiAttempt: { ...failover.apiAttempt, ...patch } },
    },
  };
}
