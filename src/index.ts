/**
 * delivery-ledger: event-sourced delivery tracking for SMS, AlimTalk and
 * other messages. Start with `DeliveryTrackingService`.
 */
export * from './errors.js';
export type * from './eventstore/event-store.js';
export {
  EventStoreDbEventStore,
  type EventStoreDbEventStoreOptions,
} from './eventstore/eventstoredb.js';
export { InMemoryEventStore } from './eventstore/in-memory.js';
export {
  comparePositions,
  formatPosition,
  type Position,
  parsePosition,
  position,
} from './eventstore/position.js';
export { SqliteEventStore, type SqliteEventStoreOptions } from './eventstore/sqlite.js';
export type { Logger } from './logger.js';
export { decide } from './machines/decide.js';
export { deliveryMachine } from './machines/delivery-machine.js';
export type * from './machines/events.js';
export type { ParkedReceipt } from './machines/parked-receipt.js';
export {
  DEFAULT_POLLING_CONFIG,
  type PollingConfig,
  type ProviderError,
} from './machines/policy.js';
export type { DeliveryState } from './machines/state.js';
export { type DeliveryStatus, isTerminal, TERMINAL_STATUSES } from './machines/status.js';
export type { ChangeFilter, StatusChange } from './projections/change-feed.js';
export { InMemoryProjectionStore } from './projections/in-memory-store.js';
export type { ProjectionStore, Shard } from './projections/projection-store.js';
export type * from './projections/record-filter.js';
export type { RebuildOptions, RebuildProgress } from './projections/records-projection.js';
export { SqliteProjectionStore } from './projections/sqlite-store.js';
export type { TrackingRecord } from './projections/tracking-record.js';
export * from './receipts/index.js';
export {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  type HistoryEntry,
} from './service/delivery-tracking-service.js';
export { createDeliveryTrackingHooks } from './service/hooks.js';
export type { ReceiptIntakeAnswer, ReceiptItemResult } from './service/payload-intake.js';
export type { RunSummary } from './service/poller.js';
export type { DeadLetter } from './service/receipt-desk.js';
export type { ReceiptOutcome } from './service/receipt-intake.js';
export { fail, ok } from './service/result.js';
export type { RetentionPolicy, RetentionSummary } from './service/retention.js';
export type { StatusChangeOptions } from './service/status-stream.js';
export type { Telemetry } from './service/telemetry.js';
export type * from './service/types.js';
