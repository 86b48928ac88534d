import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../errors.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import type { HookContext, SendResult } from '../service/types.js';
import { acceptJson } from './body-parsers.js';

/**
 * `POST /v1/sends`: records a send. The body is `{ "context": …, "result": … }`, the arguments
 * of `recordSend` as JSON, with dates as ISO-8601 strings or epoch milliseconds. Answers 202
 * `{ messageId }` once the record can be read.
 */
export function sendRoutes(app: FastifyInstance, service: DeliveryTrackingService): void {
  app.register(async (scope) => {
    acceptJson(scope);

    scope.post('/v1/sends', async (request, reply) => {
      const { context, result } = sendArguments(request.body);
      await service.recordSend(context as HookContext, result as SendResult);

      // recordSend has checked the context; it keeps the message id trimmed.
      const messageId = String((context as HookContext).messageId).trim();
      return reply.status(202).send({ messageId });
    });
  });
}

function sendArguments(body: unknown): { context: unknown; result: unknown } {
  if (body === undefined) throw new ValidationError('expected a JSON body, got none');
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const got = body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body;
    throw new ValidationError(`expected an object with "context" and "result", got ${got}`, 'body');
  }
  const { context, result } = body as Record<string, unknown>;
  return { context, result };
}
