import type { FastifyInstance } from 'fastify';

/** `GET /healthz`: 200 `{ status: 'ok' }` while the server takes requests. */
export function healthRoutes(app: FastifyInstance): void {
  app.get('/healthz', async () => ({ status: 'ok' }));
}
