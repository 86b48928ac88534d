import type { FailoverRequest } from '../machines/events.js';
import type { PollingConfig, ProviderError } from '../machines/policy.js';
import type { DeliveryStatus } from '../machines/status.js';
import type { TrackingRecord } from '../projections/tracking-record.js';

/** k-msg's Result: a value, or an error. */
export type Result<T, E = ProviderError> =
  | { readonly isSuccess: true; readonly isFailure: false; readonly value: T }
  | { readonly isSuccess: false; readonly isFailure: true; readonly error: E };

/** What a provider is asked about one message. */
export interface DeliveryStatusQuery {
  providerMessageId: string;
  type: string;
  to: string;
  requestedAt: Date;
  scheduledAt?: Date;
}

/** What a provider answers about one message. */
export interface DeliveryStatusResult {
  providerId: string;
  providerMessageId: string;
  status: DeliveryStatus;
  statusCode?: string;
  statusMessage?: string;
  sentAt?: Date;
  deliveredAt?: Date;
  failedAt?: Date;
  raw?: unknown;
}

/** Passed to `getDeliveryStatus`: cancel the query when the signal aborts. */
export interface ProviderRequestContext {
  signal?: AbortSignal;
}

/**
 * A provider, as k-msg defines it: anything with an `id`, and, if it can be
 * polled, `getDeliveryStatus`. A provider that only pushes receipts needs
 * no `getDeliveryStatus`.
 */
export interface Provider {
  readonly id: string;
  getDeliveryStatus?(
    query: DeliveryStatusQuery,
    context?: ProviderRequestContext,
  ): Promise<Result<DeliveryStatusResult | null>>;
}

/** The send options k-msg's hooks see. */
export interface HookSendOptions {
  type: string;
  to: string;
  from?: string;
  text?: string;
  options?: { scheduledAt?: Date; customFields?: Record<string, unknown> };
  failover?: FailoverRequest;
  [key: string]: unknown;
}

/** k-msg's hook context: what `recordSend` takes first. */
export interface HookContext {
  messageId: string;
  options: HookSendOptions;
  timestamp: number;
  [key: string]: unknown;
}

export interface SendWarning {
  code: string;
  message?: string;
}

/** k-msg's send result: what `recordSend` takes second. */
export interface SendResult {
  messageId: string;
  providerId: string;
  providerMessageId?: string;
  status: string;
  type: string;
  to: string;
  warnings?: SendWarning[];
  [key: string]: unknown;
}

/** What the failover sender is given: an SMS or LMS to send in place of the AlimTalk. */
export interface FailoverSendInput {
  type: 'SMS' | 'LMS';
  to: string;
  from?: string;
  text: string;
  subject?: string;
  messageId: string;
}

export interface ApiFailoverAttemptContext {
  originalMessageId: string;
  originalProviderId: string;
  originalProviderMessageId: string;
  fallbackMessageId: string;
  fallbackType: 'SMS' | 'LMS';
  record: TrackingRecord;
  signal?: AbortSignal;
}

export interface ApiFailoverClassificationContext {
  record: TrackingRecord;
  statusCode?: string;
  statusMessage?: string;
  raw?: unknown;
}

export interface ApiFailoverRule {
  statusCodes?: string[];
  messageIncludes?: string[];
}

/** AlimTalk to SMS failover, as k-msg configures it. */
export interface ApiFailoverConfig {
  /** @defaultValue true */
  enabled?: boolean;
  sender?: (
    input: FailoverSendInput,
    context: ApiFailoverAttemptContext,
  ) => Promise<Result<{ messageId: string; providerId: string }>>;
  classifyNonKakaoUser?: (context: ApiFailoverClassificationContext) => boolean;
  rulesByProviderId?: Record<string, ApiFailoverRule>;
}

export type { PollingConfig };
