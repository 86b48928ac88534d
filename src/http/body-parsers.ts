import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import { HttpError } from './errors.js';

/** The most a request body may hold. */
export const BODY_LIMIT = 1024 * 1024;

/**
 * Makes every body of the routes of `scope` arrive as the raw text, whatever its content type
 * (JSON, form fields, plain text or anything else), for parsers that read it themselves.
 */
export function acceptRawText(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );
}

/**
 * Makes the routes of `scope` take JSON: `application/json`, a `+json` type, or a body with no
 * content type. A body that does not parse is INVALID_INPUT; another content type is
 * UNSUPPORTED_MEDIA_TYPE.
 */
export function acceptJson(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (request, body, done) => {
      const type = mediaType(request.headers['content-type']);
      if (type !== '' && type !== 'application/json' && !type.endsWith('+json')) {
        const message = `expected Content-Type application/json, got ${type}`;
        done(new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', message), undefined);
        return;
      }
      try {
        done(null, parseJson(String(body)));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );
}

/** Parses a JSON body. @throws ValidationError when it is empty or does not parse */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw new ValidationError('expected a JSON body, got an empty body');
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the body: it goes back to the client, never to the log.
    const detail = error instanceof Error ? `: ${error.message}` : '';
    throw new ValidationError(`expected a JSON body, but it does not parse${detail}`);
  }
}

function mediaType(header: string | undefined): string {
  return header?.split(';')[0]?.trim().toLowerCase() ?? '';
}
