import type { ErrorInfo } from '../machines/events.js';
import type { DeliveryState } from '../machines/state.js';
import type { DeliveryStatus } from '../machines/status.js';

/**
 * What the service answers about one message: k-msg's `TrackingRecord`
 * shape, with dates as `Date` objects.
 */
export interface TrackingRecord {
  messageId: string;
  providerId: string;
  providerMessageId: string;
  type: string;
  to: string;
  from?: string;
  requestedAt: Date;
  scheduledAt?: Date;
  status: DeliveryStatus;
  providerStatusCode?: string;
  providerStatusMessage?: string;
  sentAt?: Date;
  deliveredAt?: Date;
  failedAt?: Date;
  statusUpdatedAt: Date;
  attemptCount: number;
  lastCheckedAt?: Date;
  nextCheckAt: Date;
  lastError?: ErrorInfo;
  raw?: unknown;
  metadata?: Record<string, unknown>;
}

const date = (ms: number | undefined): Date | undefined =>
  ms === undefined ? undefined : new Date(ms);

/** The public record for a message's projected state. */
export function toTrackingRecord(state: DeliveryState): TrackingRecord {
  const record: TrackingRecord = {
    messageId: state.messageId,
    providerId: state.providerId,
    providerMessageId: state.providerMessageId,
    type: state.type,
    to: state.to,
    requestedAt: new Date(state.requestedAt),
    status: state.status,
    statusUpdatedAt: new Date(state.statusUpdatedAt),
    attemptCount: state.attemptCount,
    nextCheckAt: new Date(state.nextCheckAt),
  };
  if (state.from !== undefined) record.from = state.from;
  if (state.scheduledAt !== undefined) record.scheduledAt = date(state.scheduledAt)!;
  if (state.providerStatusCode !== undefined) record.providerStatusCode = state.providerStatusCode;
  if (state.providerStatusMessage !== undefined) {
    record.providerStatusMessage = state.providerStatusMessage;
  }
  if (state.sentAt !== undefined) record.sentAt = date(state.sentAt)!;
  if (state.deliveredAt !== undefined) record.deliveredAt = date(state.deliveredAt)!;
  if (state.failedAt !== undefined) record.failedAt = date(state.failedAt)!;
  if (state.lastCheckedAt !== undefined) record.lastCheckedAt = date(state.lastCheckedAt)!;
  if (state.lastError !== undefined) record.lastError = { ...state.lastError };
  if (state.raw !== undefined) record.raw = structuredClone(state.raw);
  if (state.metadata !== undefined) record.metadata = structuredClone(state.metadata);
  return record;
}
