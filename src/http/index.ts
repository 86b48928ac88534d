/** The HTTP API of delivery-ledger, on fastify. */
export type { ErrorBody, HttpErrorCode } from './errors.js';
export type { ReceiptIntakeAnswer, ReceiptItemResult } from './receipt-intake.js';
export type { ReceiptIntakeOptions } from './receipts.js';
export { createHttpServer, type HttpServerOptions } from './server.js';
export type { TwilioSignatureConfig } from './twilio-check.js';
