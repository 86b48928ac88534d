import type { FastifyInstance } from 'fastify';
import type { Logger } from '../logger.js';

/**
 * Logs each answered request at debug: method, route pattern, status and time taken. The URL
 * itself is never logged, as query strings of provider callbacks hold phone numbers.
 */
export function logRequests(app: FastifyInstance, log: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    log.debug(
      {
        reqId: request.id,
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        statusCode: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request answered',
    );
  });
}
