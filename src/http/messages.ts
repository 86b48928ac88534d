import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';

interface MessageParams {
  messageId: string;
}

/**
 * `GET /v1/messages/:messageId`, a message's tracking record, and
 * `GET /v1/messages/:messageId/events`, its history `{ events }`. Both are 404 for a message
 * that is not tracked.
 */
export function messageRoutes(app: FastifyInstance, service: DeliveryTrackingService): void {
  app.get<{ Params: MessageParams }>('/v1/messages/:messageId', async (request) => {
    const { messageId } = request.params;
    const record = await service.getRecord(messageId);
    if (!record) throw notTracked(messageId);
    return record;
  });

  app.get<{ Params: MessageParams }>('/v1/messages/:messageId/events', async (request) => {
    const { messageId } = request.params;
    const events = await service.history(messageId);
    if (events.length === 0) throw notTracked(messageId);
    return { events };
  });
}

function notTracked(messageId: string): NotFoundError {
  return new NotFoundError(`no tracked message has id ${JSON.stringify(messageId)}`);
}
