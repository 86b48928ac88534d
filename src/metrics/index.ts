/** Prometheus metrics of delivery-ledger, on prom-client. */
export { BoundedLabel, OTHER_LABEL } from './bounded-label.js';
export { createMetrics, type Metrics, type MetricsOptions } from './create-metrics.js';
