import type { FastifyRequest } from 'fastify';
import { UnauthorizedError } from '../errors.js';
import { verifyTwilioSignature } from '../receipts/index.js';

/** How Twilio status callbacks are authenticated. */
export interface TwilioSignatureConfig {
  /** The Auth Token of the Twilio account that sends the callbacks. */
  readonly authToken: string;
  /**
   * The scheme, host and any path prefix Twilio calls this server at, as configured in Twilio
   * (`https://ledger.example.com`); the request's path and query are added to it.
   */
  readonly publicUrl: string;
}

/**
 * Checks the `X-Twilio-Signature` of a Twilio callback.
 * @throws UnauthorizedError when the signature is missing or not Twilio's
 */
export function checkTwilioSignature(
  request: FastifyRequest,
  body: string,
  config: TwilioSignatureConfig,
): void {
  const signature = request.headers['x-twilio-signature'];
  const url = `${config.publicUrl.replace(/\/+$/, '')}${request.url}`;
  const valid =
    typeof signature === 'string' &&
    verifyTwilioSignature({
      authToken: config.authToken,
      url,
      params: formFields(body),
      signature,
    });
  if (!valid) {
    throw new UnauthorizedError(
      'expected X-Twilio-Signature to be the signature of the request with the configured ' +
        'auth token, but it is missing or is not',
    );
  }
}

/** The form fields of a body, each with all its values. */
function formFields(body: string): Record<string, string[]> {
  const fields = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(body)) {
    fields.set(name, [...(fields.get(name) ?? []), value]);
  }
  return Object.fromEntries(fields);
}
