import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../errors.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import { parseQuery } from './query.js';
import { queryObject, timeParam } from './query-params.js';

interface MessageParams {
  messageId: string;
}

const recordQuery = queryObject({ at: timeParam });

/**
 * `GET /v1/messages/:messageId`, a message's tracking record (with `?at=<ISO time>`, the record
 * as it stood then, from the events that had happened by that time), and
 * `GET /v1/messages/:messageId/events`, its history `{ events }`. Both are 404 for a message
 * that is not tracked, and the first also for a time before the message's send.
 */
export function messageRoutes(app: FastifyInstance, service: DeliveryTrackingService): void {
  app.get<{ Params: MessageParams }>('/v1/messages/:messageId', async (request) => {
    const { messageId } = request.params;
    const { at } = parseQuery(recordQuery, request.query);

    if (at === undefined) {
      const record = await service.getRecord(messageId);
      if (!record) throw notTracked(messageId);
      return record;
    }
    const record = await service.recordAt(messageId, at);
    if (record) return record;
    // Only on a miss: whether the message is unknown, or was not sent yet at that time.
    if (!(await service.getRecord(messageId))) throw notTracked(messageId);
    throw new NotFoundError(
      `message ${JSON.stringify(messageId)} was not sent yet at ${at.toISOString()}`,
    );
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
