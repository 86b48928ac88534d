import type { ProviderError } from './policy.js';
import type { DeliveryStatus } from './status.js';

/**
 * The domain events of one message's stream. Times are epoch milliseconds;
 * every event is schema version 1 (`EVENT_SCHEMA_VERSION`).
 */
export const EVENT_SCHEMA_VERSION = 1;

export interface ErrorInfo {
  readonly code: string;
  readonly message: string;
}

export interface FailoverRequest {
  readonly enabled?: boolean;
  readonly fallbackChannel?: 'sms' | 'lms';
  readonly fallbackContent?: string;
  readonly fallbackTitle?: string;
}

export interface SendRecordedData {
  readonly messageId: string;
  readonly providerId: string;
  readonly providerMessageId: string;
  readonly type: string;
  readonly to: string;
  readonly from?: string;
  readonly requestedAt: number;
  readonly scheduledAt?: number;
  readonly recordedAt: number;
  readonly status: DeliveryStatus;
  readonly nextCheckAt: number;
  readonly lastError?: ErrorInfo;
  /** The send result's own status and warnings, as the provider gave them. */
  readonly sendStatus?: string;
  readonly warningCodes?: readonly string[];
  readonly customFields?: Record<string, unknown>;
  readonly failover?: FailoverRequest;
}

/** What a provider said about a message, from a check or a receipt. */
export interface Observation {
  readonly status: DeliveryStatus;
  readonly statusCode?: string;
  readonly statusMessage?: string;
  readonly sentAt?: number;
  readonly deliveredAt?: number;
  readonly failedAt?: number;
  readonly raw?: unknown;
}

/**
 * What became of an observation: `applied` moved the status, `unchanged`
 * confirmed it, `not-applied` would have moved it backwards or away from a
 * final status and is only kept in history, `settled-late` ended an UNKNOWN.
 */
export type Disposition = 'applied' | 'unchanged' | 'not-applied' | 'settled-late';

export type CheckResult =
  | { readonly kind: 'status'; readonly observation: Observation }
  | { readonly kind: 'no-status' }
  | { readonly kind: 'error'; readonly error: ProviderError; readonly retryable: boolean }
  | { readonly kind: 'unsupported-provider' }
  | { readonly kind: 'provider-not-found' }
  | { readonly kind: 'tracking-timeout' };

export interface CheckCompletedData {
  readonly checkedAt: number;
  readonly attempt: number;
  readonly result: CheckResult;
  readonly nextCheckAt: number;
  readonly lastError?: ErrorInfo;
  readonly disposition?: Disposition;
  readonly reason?: string;
}

export interface CheckDeferredData {
  readonly checkedAt: number;
  readonly attempt: number;
  readonly nextCheckAt: number;
  readonly reason: 'schedule-grace' | 'awaiting-receipts';
}

export interface ReceiptReceivedData {
  /** Identifies the receipt: the same receipt twice has the same key. */
  readonly receiptKey: string;
  readonly receivedAt: number;
  readonly format?: string;
  readonly providerStatus: string;
  readonly errorCode?: string;
  readonly occurredAt?: number;
  readonly segment?: { readonly index: number; readonly count: number };
  /** For a part of a multi-part message: the part's own status, when it was taken. */
  readonly segmentStatus?: DeliveryStatus;
  /** What the receipt says of the message (for a part: what the parts add up to). */
  readonly observation: Observation;
  readonly disposition: Disposition;
  readonly reason?: string;
}

export type ChangeCause =
  | 'check'
  | 'receipt'
  | 'tracking-timeout'
  | 'provider-not-found'
  | 'unsupported-provider'
  | 'check-error';

export interface StatusChangedData {
  readonly from: DeliveryStatus;
  readonly to: DeliveryStatus;
  readonly changedAt: number;
  readonly cause: ChangeCause;
  readonly statusCode?: string;
  readonly statusMessage?: string;
  readonly sentAt?: number;
  readonly deliveredAt?: number;
  readonly failedAt?: number;
  readonly lastError?: ErrorInfo;
  readonly raw?: unknown;
}

export interface FailoverStartedData {
  readonly attemptedAt: number;
  /** Which caller started the attempt. */
  readonly attemptId?: string;
  readonly fallbackMessageId: string;
  readonly fallbackType: 'SMS' | 'LMS';
}

export interface FailoverFinishedData {
  readonly finishedAt: number;
  readonly outcome: 'sent' | 'failed' | 'skipped';
  readonly warningCode?: string;
  readonly warningMessage?: string;
  readonly fallbackMessageId?: string;
  readonly fallbackProviderId?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export type DeliveryEvent =
  | { readonly type: 'SendRecorded'; readonly data: SendRecordedData }
  | { readonly type: 'CheckDeferred'; readonly data: CheckDeferredData }
  | { readonly type: 'CheckCompleted'; readonly data: CheckCompletedData }
  | { readonly type: 'ReceiptReceived'; readonly data: ReceiptReceivedData }
  | { readonly type: 'StatusChanged'; readonly data: StatusChangedData }
  | { readonly type: 'StatusSettledLate'; readonly data: StatusChangedData }
  | { readonly type: 'FailoverStarted'; readonly data: FailoverStartedData }
  | { readonly type: 'FailoverFinished'; readonly data: FailoverFinishedData };

export type DeliveryEventType = DeliveryEvent['type'];

export const DELIVERY_EVENT_TYPES: ReadonlySet<string> = new Set<DeliveryEventType>([
  'SendRecorded',
  'CheckDeferred',
  'CheckCompleted',
  'ReceiptReceived',
  'StatusChanged',
  'StatusSettledLate',
  'FailoverStarted',
  'FailoverFinished',
]);

/** An event that moves a message from one status to another, once it has one. */
export type StatusTransition = Extract<
  DeliveryEvent,
  { type: 'StatusChanged' | 'StatusSettledLate' }
>;

export function isStatusTransition(event: DeliveryEvent): event is StatusTransition {
  return event.type === 'StatusChanged' || event.type === 'StatusSettledLate';
}

/** The stream of one message. */
export const STREAM_PREFIX = 'delivery-';

/**
 * The stream where retention says which messages it deleted
 * (`MessagesForgotten`), so that projections forget them too.
 */
export const RETENTION_STREAM = 'retention-log';

export function streamIdOf(messageId: string): string {
  return `${STREAM_PREFIX}${messageId}`;
}

export function messageIdOf(streamId: string): string {
  return streamId.slice(STREAM_PREFIX.length);
}
