import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DELIVERY_STATUSES } from '../machines/status.js';
import type { Telemetry } from '../service/telemetry.js';
import { BoundedLabel } from './bounded-label.js';

/** What {@link createMetrics} takes. */
export interface MetricsOptions {
  /** The registry to add the metrics to. @defaultValue a new `Registry` */
  readonly registry?: Registry;
  /** Whether to add prom-client's Node process metrics (CPU, memory, event loop, GC). @defaultValue true */
  readonly processMetrics?: boolean;
}

/** A registry to expose, and the telemetry that fills it. */
export interface Metrics {
  /** Serve it at `/metrics`: `createHttpServer({ ..., metrics: registry })`. */
  readonly registry: Registry;
  /** Give it to the service: `new DeliveryTrackingService({ ..., telemetry })`. */
  readonly telemetry: Telemetry;
}

/** Seconds an append may take, from a local SQLite write to a remote EventStoreDB cluster. */
const APPEND_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** Distinct error codes kept as labels before the rest count as `other`. */
const MAX_ERROR_CODES = 100;

/** Distinct receipt formats kept as labels (the parsers know eight; the library takes any). */
const MAX_FORMATS = 50;

/**
 * Prometheus metrics of a delivery tracking service, on prom-client:
 *
 * - `delivery_ledger_checks_total{result}`: checks of a message by their result (`status`,
 *   `no-status`, `error`, `deferred`, …)
 * - `delivery_ledger_check_errors_total{code}`: checks that failed, by the provider's error code
 * - `delivery_ledger_receipts_total{format,outcome}`: receipts taken, by format and outcome
 *   (`applied`, `ignored`, `pending`, `rejected`)
 * - `delivery_ledger_status_changes_total{status}`: status changes, by the new status
 * - `delivery_ledger_append_seconds`: a histogram of how long appends to the event store take
 * - `delivery_ledger_projection_lag_seconds`: how long the newest event of the last projected
 *   batch waited to be projected
 * - prom-client's default Node process metrics (`process_*`, `nodejs_*`)
 */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = options.registry ?? new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const checks = new Counter({
    name: 'delivery_ledger_checks_total',
    help: 'Checks of a message with its provider, by result',
    labelNames: ['result'] as const,
    registers,
  });
  const checkErrors = new Counter({
    name: 'delivery_ledger_check_errors_total',
    help: "Checks that failed, by the provider's error code",
    labelNames: ['code'] as const,
    registers,
  });
  const receipts = new Counter({
    name: 'delivery_ledger_receipts_total',
    help: 'Delivery receipts taken, by format and outcome',
    labelNames: ['format', 'outcome'] as const,
    registers,
  });
  const statusChanges = new Counter({
    name: 'delivery_ledger_status_changes_total',
    help: 'Status changes of messages, by the new status',
    labelNames: ['status'] as const,
    registers,
  });
  const appendSeconds = new Histogram({
    name: 'delivery_ledger_append_seconds',
    help: 'Time one append to the event store took, in seconds',
    buckets: APPEND_BUCKETS,
    registers,
  });
  const projectionLag = new Gauge({
    name: 'delivery_ledger_projection_lag_seconds',
    help: 'How long the newest event of the last projected batch waited, in seconds',
    registers,
  });

  // Every status from zero, so that a rate over a status that has not happened yet is 0.
  for (const status of DELIVERY_STATUSES) statusChanges.inc({ status }, 0);

  const errorCodes = new BoundedLabel(MAX_ERROR_CODES);
  const formats = new BoundedLabel(MAX_FORMATS);
  const telemetry: Telemetry = {
    checkCompleted({ kind, errorCode }) {
      checks.inc({ result: kind });
      if (errorCode !== undefined) checkErrors.inc({ code: errorCodes.of(errorCode) });
    },
    receiptIngested({ format, outcome }) {
      receipts.inc({ format: formats.of(format), outcome });
    },
    statusChanged({ status }) {
      statusChanges.inc({ status });
    },
    appendDuration(seconds) {
      appendSeconds.observe(seconds);
    },
    projectionLag(seconds) {
      // A clock that stepped back would make it negative.
      projectionLag.set(Math.max(0, seconds));
    },
  };
  return { registry, telemetry };
}
