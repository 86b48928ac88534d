/** The HTTP API of delivery-ledger, on fastify. */

export { createMetrics, type Metrics, type MetricsOptions } from '../metrics/index.js';
export type { DeliveryStats } from '../projections/delivery-stats.js';
export type { ReceiptIntakeAnswer, ReceiptItemResult } from '../service/payload-intake.js';
export type { ErrorBody, HttpErrorCode } from './errors.js';
export type { RecordPage } from './message-list.js';
export type { UnmatchedReceipt } from './receipt-listings.js';
export type { ReceiptIntakeOptions } from './receipts.js';
export { createHttpServer, type HttpServerOptions } from './server.js';
export type { TwilioSignatureConfig } from './twilio-check.js';
