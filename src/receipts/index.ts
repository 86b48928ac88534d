import { ValidationError } from '../errors.js';
import { parseAwsSmsReceipts } from './aws-sms.js';
import { parseInfobipReceipts } from './infobip.js';
import { parseJasminReceipts } from './jasmin.js';
import { parseKannelReceipts } from './kannel.js';
import type { ReceiptParseOptions, ReceiptPayload } from './payload.js';
import type { ParsedItem } from './receipt.js';
import { parseSmppReceipts } from './smpp.js';
import { parseSolapiReceipts } from './solapi.js';
import { parseTwilioReceipts } from './twilio.js';
import { parseVonageReceipts, type VonageParseOptions } from './vonage.js';

export { AWS_SMS_STATUS_MAP, parseAwsSmsReceipts } from './aws-sms.js';
export type { StatusTable } from './fields.js';
export { INFOBIP_STATUS_MAP, parseInfobipReceipts } from './infobip.js';
export { JASMIN_ACK_BODY, JASMIN_STATUS_MAP, parseJasminReceipts } from './jasmin.js';
export { KANNEL_STATUS_MAP, parseKannelReceipts } from './kannel.js';
export {
  type AlternativeKeyOptions,
  alternativeKeys,
  providerMessageKey,
} from './message-id.js';
export type { ReceiptParseOptions, ReceiptPayload } from './payload.js';
export type { ParsedItem, Receipt } from './receipt.js';
export { parseSmppReceipt, parseSmppReceipts, SMPP_STATUS_MAP } from './smpp.js';
export {
  parseSolapiReceipts,
  SOLAPI_NOT_ON_KAKAOTALK_CODES,
  SOLAPI_STATUS_MAP,
} from './solapi.js';
export { parseTwilioReceipts, TWILIO_STATUS_MAP } from './twilio.js';
export {
  computeTwilioSignature,
  type TwilioSignatureCheck,
  verifyTwilioSignature,
} from './twilio-signature.js';
export { parseVonageReceipts, VONAGE_STATUS_MAP, type VonageParseOptions } from './vonage.js';
export {
  computeVonageSignature,
  type VonageSignatureMethod,
  type VonageSignatureOptions,
  verifyVonageSignature,
} from './vonage-signature.js';

/** Options for {@link parseReceiptPayload}: those of every format; each reads its own. */
export type ParseReceiptOptions = ReceiptParseOptions & VonageParseOptions;

/** A parser of one report format. */
export type ReceiptParser = (
  payload: ReceiptPayload,
  options?: ParseReceiptOptions,
) => ParsedItem[];

/** The report formats delivery-ledger reads, by name, each with its parser. */
export const RECEIPT_FORMATS = {
  smpp: parseSmppReceipts,
  twilio: parseTwilioReceipts,
  vonage: parseVonageReceipts,
  infobip: parseInfobipReceipts,
  'aws-sms': parseAwsSmsReceipts,
  solapi: parseSolapiReceipts,
  jasmin: parseJasminReceipts,
  kannel: parseKannelReceipts,
} as const satisfies Readonly<Record<string, ReceiptParser>>;

/** The name of a report format: `smpp`, `twilio`, `vonage`, … */
export type ReceiptFormat = keyof typeof RECEIPT_FORMATS;

/** Whether `name` is the name of a report format. */
export function isReceiptFormat(name: string): name is ReceiptFormat {
  return Object.hasOwn(RECEIPT_FORMATS, name);
}

/**
 * Parses a delivery report payload in the named format into one item for each report in it.
 * Nothing in the payload makes this throw: an item that cannot be read is a rejected item with
 * its reason, and a body that is not even JSON or form fields is one rejected item holding it.
 *
 * @throws ValidationError when `format` is not one of {@link RECEIPT_FORMATS}, naming those that
 *   are, or when an option is out of range.
 */
export function parseReceiptPayload(
  format: string,
  payload: ReceiptPayload,
  options?: ParseReceiptOptions,
): ParsedItem[] {
  if (!isReceiptFormat(format)) {
    const known = Object.keys(RECEIPT_FORMATS).join(', ');
    throw new ValidationError(`expected one of ${known}, got "${format}"`, 'format');
  }
  return RECEIPT_FORMATS[format](payload, options);
}
