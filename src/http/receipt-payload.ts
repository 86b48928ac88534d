import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../errors.js';
import type { ReceiptPayload } from '../receipts/index.js';

/** The query parameter that names the provider; it is not part of a report. */
export const PROVIDER_PARAMETER = 'provider';

/**
 * The report a request carries, as the receipt parsers take it: a POST's body as received, or a
 * GET's query string without the `provider` parameter (which is ours, not the provider's, and
 * would otherwise be read as a field of the report and break a signature over its fields).
 * @throws ValidationError when there is no report: an empty body, or no query parameters
 */
export function receiptPayloadOf(request: FastifyRequest): ReceiptPayload {
  if (request.method === 'GET') {
    const body = queryWithout(request.url, PROVIDER_PARAMETER);
    if (body === '') {
      throw new ValidationError('expected the delivery report as query parameters, got none');
    }
    return { body };
  }

  const body = typeof request.body === 'string' ? request.body : '';
  if (body.trim() === '') {
    throw new ValidationError('expected a delivery report in the body, got an empty body');
  }
  const contentType = request.headers['content-type'];
  return contentType === undefined ? { body } : { body, contentType };
}

/** The raw query string of `url`, as sent, without the parameters called `name`. */
export function queryWithout(url: string, name: string): string {
  const start = url.indexOf('?');
  if (start === -1) return '';
  return url
    .slice(start + 1)
    .split('&')
    .filter((pair) => pair !== '' && parameterName(pair) !== name)
    .join('&');
}

function parameterName(pair: string): string {
  const end = pair.indexOf('=');
  const raw = end === -1 ? pair : pair.slice(0, end);
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}
