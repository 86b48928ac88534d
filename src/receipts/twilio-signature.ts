import { createHmac } from 'node:crypto';
import { safeEqual } from './safe-equal.js';

/** What a Twilio request signature is checked against. */
export interface TwilioSignatureCheck {
  /** The Auth Token of the Twilio account that sent the request. */
  readonly authToken: string;
  /** The full URL Twilio requested, with scheme, host, path and query string, as Twilio saw it. */
  readonly url: string;
  /** The decoded POST form fields; a field sent more than once has all its values. */
  readonly params: Readonly<Record<string, string | readonly string[]>>;
  /** The `X-Twilio-Signature` header. */
  readonly signature: string;
}

/**
 * The signature Twilio sends in `X-Twilio-Signature`: base64 of the HMAC-SHA1, keyed with the
 * Auth Token, of the full URL followed by each POST field's name and value, sorted by name, with
 * nothing between them (a field sent more than once adds each value, sorted).
 */
export function computeTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioSignatureCheck['params'],
): string {
  const fields = Object.keys(params)
    .sort()
    .flatMap((name) => {
      const value = params[name] ?? '';
      const values = typeof value === 'string' ? [value] : [...value].sort();
      return values.map((each) => `${name}${each}`);
    });
  return createHmac('sha1', authToken)
    .update(`${url}${fields.join('')}`, 'utf8')
    .digest('base64');
}

/**
 * Whether `signature` is Twilio's signature of the request, compared in constant time. Like
 * Twilio's own libraries, it also accepts the signature of the URL with the default port (443 or
 * 80) added or taken away, as proxies in between may change that.
 */
export function verifyTwilioSignature(check: TwilioSignatureCheck): boolean {
  const { authToken, url, params, signature } = check;
  let valid = false;
  for (const candidate of urlsAsSigned(url)) {
    // Every candidate is compared, so the time taken does not tell which one matched.
    if (safeEqual(computeTwilioSignature(authToken, candidate, params), signature)) valid = true;
  }
  return valid;
}

const URL_PARTS = /^(https?):\/\/([^/?#]*?)(:\d+)?([/?#].*)?$/i;

/** The URL as given, and with its scheme's default port added, or taken away when it has it. */
function urlsAsSigned(url: string): string[] {
  const match = URL_PARTS.exec(url);
  if (!match) return [url];

  const [, scheme = '', host, port, rest = ''] = match;
  const defaultPort = scheme.toLowerCase() === 'https' ? ':443' : ':80';
  if (port === undefined) return [url, `${scheme}://${host}${defaultPort}${rest}`];
  if (port === defaultPort) return [url, `${scheme}://${host}${rest}`];
  return [url];
}
