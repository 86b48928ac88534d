import type { DeliveryStatus } from '../machines/status.js';

/**
 * A delivery report, whatever provider and format it came in, in the one shape
 * the service understands.
 */
export interface Receipt {
  /** The provider the report is about, as configured (e.g. `twilio-main`). */
  readonly providerId: string;
  /** The provider's id of the message, as the report gives it. */
  readonly providerMessageId: string;
  /** Our status for what the report says. */
  readonly status: DeliveryStatus;
  /** The provider's own status word or code, unchanged (`DELIVRD`, `delivered`, `4000`). */
  readonly providerStatus: string;
  /** The provider's error code, when the report has one. */
  readonly errorCode?: string;
  /** The provider's own words for the error, when the report has them. */
  readonly errorMessage?: string;
  /** When the provider says the status was reached, when the report says. */
  readonly occurredAt?: Date;
  /** For one part of a multi-part message. */
  readonly segment?: { readonly index: number; readonly count: number };
  /** The report exactly as received: the line, the form fields, or the JSON. */
  readonly raw: string | Record<string, unknown>;
}

/** One item of a payload: a receipt, or why it could not be read. */
export type ParsedItem =
  | { readonly ok: true; readonly receipt: Receipt }
  | { readonly ok: false; readonly reason: string; readonly raw: string };
