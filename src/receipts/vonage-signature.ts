import { createHash, createHmac } from 'node:crypto';
import { safeEqual } from './safe-equal.js';

/**
 * How the Vonage account signs: `md5hash` (Vonage's default) hashes the parameters followed by
 * the secret; the others are HMACs of the parameters keyed with the secret.
 */
export type VonageSignatureMethod = 'md5hash' | 'md5' | 'sha1' | 'sha256' | 'sha512';

/** A Vonage signature secret and how to check signatures with it. */
export interface VonageSignatureOptions {
  /** The account's signature secret (not its API secret). */
  readonly secret: string;
  /**
   * The signing method chosen for the account in the Vonage dashboard.
   * @defaultValue 'md5hash'
   */
  readonly method?: VonageSignatureMethod;
  /**
   * When given, a request whose `timestamp` parameter is further than `toleranceSeconds` from
   * `now` is refused, so that a recorded request cannot be replayed later.
   */
  readonly now?: Date;
  /**
   * How far the request's `timestamp` may be from `now`.
   * @defaultValue 300
   */
  readonly toleranceSeconds?: number;
}

/**
 * The signature of Vonage request parameters, as Vonage documents its signed requests: leave
 * out `sig`, replace `&` and `=` in each value with `_`, sort the parameters by name, and join
 * them as `&name=value&name=value…`. With `md5hash`, the signature is the lower-case hex MD5 of
 * that text followed by the secret; with the HMAC methods it is the upper-case hex HMAC of the
 * text keyed with the secret.
 */
export function computeVonageSignature(
  params: Readonly<Record<string, string>>,
  secret: string,
  method: VonageSignatureMethod = 'md5hash',
): string {
  // Vonage's documentation and its SDKs agree on the order and the joining; the older SDKs did
  // not replace `&` and `=` in values, so a value with either may be signed differently by them.
  const signed = Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('');

  if (method === 'md5hash') return createHash('md5').update(`${signed}${secret}`).digest('hex');
  return createHmac(method, secret).update(signed).digest('hex').toUpperCase();
}

/**
 * Whether the `sig` parameter of a Vonage request is the signature of its other parameters,
 * compared in constant time (hex case ignored). A request without `sig` is not signed and fails,
 * as does, when `now` is given, one whose `timestamp` is too old or too far ahead.
 */
export function verifyVonageSignature(
  params: Readonly<Record<string, string>>,
  options: VonageSignatureOptions,
): boolean {
  const given = params.sig;
  if (!given) return false;
  if (options.now !== undefined && !isRecent(params.timestamp, options)) return false;

  const expected = computeVonageSignature(params, options.secret, options.method);
  return safeEqual(expected.toLowerCase(), given.toLowerCase());
}

function isRecent(timestamp: string | undefined, options: VonageSignatureOptions): boolean {
  const seconds = Number(timestamp);
  if (!timestamp || !Number.isFinite(seconds) || options.now === undefined) return false;
  const tolerance = options.toleranceSeconds ?? 300;
  return Math.abs(options.now.getTime() / 1000 - seconds) <= tolerance;
}
