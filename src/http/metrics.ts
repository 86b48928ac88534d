import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/**
 * `GET /metrics`: the registry's metrics in Prometheus' text exposition format. Without a
 * registry there is no such route, and the path answers 404.
 */
export function metricsRoutes(app: FastifyInstance, registry: Registry | undefined): void {
  if (!registry) return;
  app.get('/metrics', async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
}
