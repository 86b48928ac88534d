import type { EventStore } from '../eventstore/event-store.js';
import type { Logger } from '../logger.js';
import type { PollingConfig } from '../machines/policy.js';
import type { ProjectionStore, Shard } from '../projections/projection-store.js';
import type { RecordsProjection } from '../projections/records-projection.js';
import type { MessageActors } from './message-actor.js';
import type { Telemetry } from './telemetry.js';
import type { ApiFailoverConfig, Provider } from './types.js';

/** What the parts of the service share: stores, rules, clock and logger. */
export interface ServiceContext {
  readonly events: EventStore;
  readonly projections: ProjectionStore;
  readonly projection: RecordsProjection;
  readonly actors: MessageActors;
  readonly providers: ReadonlyMap<string, Provider>;
  readonly polling: PollingConfig;
  readonly failover: ApiFailoverConfig | undefined;
  readonly shard: Shard | undefined;
  readonly receiptMatching: Readonly<Record<string, { decimalHex?: boolean }>>;
  /** How long a receipt waits for its send before it is dropped. */
  readonly unmatchedReceiptTtlMs: number;
  readonly now: () => number;
  /** Aborts when the service closes. */
  readonly closing: AbortSignal;
  readonly log: Logger;
  readonly telemetry: Telemetry | undefined;
}
