import type { FastifyError, FastifyInstance } from 'fastify';
import { DeliveryLedgerError, type ErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';

/** The codes an error answer of the HTTP API carries: the library's, and a few of HTTP's own. */
export type HttpErrorCode =
  | ErrorCode
  | 'METHOD_NOT_ALLOWED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'INTERNAL';

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: HttpErrorCode; message: string };
}

/** An error the HTTP layer itself raises, with the status it is answered with. */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly code: HttpErrorCode;

  constructor(statusCode: number, code: HttpErrorCode, message: string) {
    super(message);
    this.name = 'HttpError';
    this.statusCode = statusCode;
    this.code = code;
  }
}

const STATUS_OF_CODE: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  WRONG_EXPECTED_REVISION: 409,
  EVENT_TOO_LARGE: 413,
  EVENT_STORE_UNAVAILABLE: 503,
  SERVICE_CLOSED: 503,
};

const GENERIC_MESSAGE = 'the server failed to handle the request; it has been logged';

/**
 * The status and body an error is answered with. Errors of the library and of this layer keep
 * their code and message; fastify's own client errors (body too large, bad media type) get a
 * code of this API; anything else is INTERNAL with a generic message, so that no stack trace or
 * internal detail reaches the client.
 */
export function describeError(error: unknown): { statusCode: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return answer(error.statusCode, error.code, error.message);
  }
  if (error instanceof DeliveryLedgerError) {
    return answer(STATUS_OF_CODE[error.code] ?? 500, error.code, error.message);
  }
  if (isFastifyClientError(error)) {
    if (error.statusCode === 413) {
      return answer(413, 'PAYLOAD_TOO_LARGE', 'expected a body of at most 1 MiB');
    }
    if (error.statusCode === 415) {
      return answer(415, 'UNSUPPORTED_MEDIA_TYPE', `unsupported media type: ${error.message}`);
    }
    return answer(error.statusCode, 'INVALID_INPUT', error.message);
  }
  return answer(500, 'INTERNAL', GENERIC_MESSAGE);
}

/** Answers every error as an {@link ErrorBody}, and logs those that are faults of the server. */
export function installErrorHandler(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body } = describeError(error);
    const route = request.routeOptions.url ?? 'unmatched';
    if (statusCode >= 500) {
      log.error({ err: error, reqId: request.id, method: request.method, route }, 'request failed');
    } else {
      log.debug({ reqId: request.id, route, code: body.error.code }, 'request refused');
    }
    return reply.status(statusCode).type('application/json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: {
        code: 'NOT_FOUND',
        message: `no route for ${request.method} ${pathOf(request.url)}`,
      },
    };
    return reply.status(404).send(body);
  });
}

function answer(
  statusCode: number,
  code: HttpErrorCode,
  message: string,
): { statusCode: number; body: ErrorBody } {
  return { statusCode, body: { error: { code, message } } };
}

/** Fastify's own errors for bad requests carry an FST_ code and a 4xx status. */
function isFastifyClientError(error: unknown): error is FastifyError & { statusCode: number } {
  const candidate = error as Partial<FastifyError> | null;
  return (
    typeof candidate?.code === 'string' &&
    candidate.code.startsWith('FST_') &&
    typeof candidate.statusCode === 'number' &&
    candidate.statusCode >= 400 &&
    candidate.statusCode < 500
  );
}

/** The path of a URL without its query string, which may hold phone numbers. */
function pathOf(url: string): string {
  const end = url.indexOf('?');
  return end === -1 ? url : url.slice(0, end);
}
