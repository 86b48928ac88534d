import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Subscription } from 'rxjs';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import { parsePosition } from '../eventstore/position.js';
import type { Logger } from '../logger.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../machines/status.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import type { StatusChangeOptions } from '../service/status-stream.js';
import { describeError } from './errors.js';
import { EventStream } from './event-stream.js';
import { parseQuery, queryText } from './query.js';

const isFrom = (text: string) => text === 'start' || parsePosition(text) !== undefined;
const FROM_EXPECTED = 'expected a position such as "42", or "start"';

const statusList = queryText
  .transform((text) => text.split(',').map((status) => status.trim().toUpperCase()))
  .pipe(
    z.array(
      z.enum(DELIVERY_STATUSES as [DeliveryStatus, ...DeliveryStatus[]], {
        error: `expected statuses among ${DELIVERY_STATUSES.join(', ')}, separated by commas`,
      }),
    ),
  );

const changesQuery = z.object({
  messageId: queryText.optional(),
  providerId: queryText.optional(),
  status: statusList.optional(),
  from: queryText.refine(isFrom, FROM_EXPECTED).optional(),
});

/**
 * `GET /v1/changes`: status changes as server-sent events, one `data: <json>` with
 * `id: <position>` per change, filtered by the `messageId`, `providerId` and `status` (a comma
 * list) query parameters. `from` (a position, or `start`) first replays the changes after it; a
 * reconnecting client's `Last-Event-ID` does the same. Without either, only new changes come.
 */
export function changeRoutes(
  app: FastifyInstance,
  service: DeliveryTrackingService,
  options: { heartbeatMs: number },
  logger: Logger,
): void {
  const log = logger.child({ component: 'http-changes' });
  const open = new Set<EventStream>();

  // Open streams would keep the server from closing.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.end();
  });

  app.get('/v1/changes', { exposeHeadRoute: false }, (request, reply) => {
    const changeOptions = changeOptionsOf(request);

    reply.hijack();
    let subscription: Subscription | undefined;
    const stream = new EventStream(reply.raw, {
      heartbeatMs: options.heartbeatMs,
      onEnd: () => {
        subscription?.unsubscribe();
        open.delete(stream);
        log.debug({ reqId: request.id, open: open.size }, 'change stream closed');
      },
    });
    open.add(stream);
    log.debug({ reqId: request.id, open: open.size }, 'change stream opened');

    subscription = service.statusChanges(changeOptions).subscribe({
      next: (change) => stream.send(change.position, change),
      error: (error: unknown) => {
        log.error({ err: error, reqId: request.id }, 'change stream failed');
        stream.fail(describeError(error).body);
      },
      complete: () => stream.end(),
    });
    if (stream.ended) subscription.unsubscribe();
  });
}

/** @throws ValidationError for a query parameter or a `Last-Event-ID` that is wrong */
function changeOptionsOf(request: FastifyRequest): StatusChangeOptions {
  const query = parseQuery(changesQuery, request.query);
  const from = query.from ?? lastEventId(request);
  return {
    ...(query.messageId !== undefined && { messageId: query.messageId }),
    ...(query.providerId !== undefined && { providerId: query.providerId }),
    ...(query.status !== undefined && { status: query.status }),
    ...(from !== undefined && { from }),
  };
}

function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers['last-event-id'];
  const text = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  if (text === '') return undefined;
  if (parsePosition(text) === undefined) {
    throw new ValidationError('expected a position such as "42"', 'Last-Event-ID');
  }
  return text;
}
