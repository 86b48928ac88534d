import Fastify, { type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import { z } from 'zod';
import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import { BODY_LIMIT } from './body-parsers.js';
import { changeRoutes } from './changes.js';
import { installErrorHandler } from './errors.js';
import { healthRoutes } from './health.js';
import { messageListRoutes } from './message-list.js';
import { messageRoutes } from './messages.js';
import { metricsRoutes } from './metrics.js';
import { receiptListingRoutes } from './receipt-listings.js';
import { type ReceiptIntakeOptions, receiptRoutes } from './receipts.js';
import { logRequests } from './request-log.js';
import { sendRoutes } from './sends.js';
import { statsRoutes } from './stats.js';

/** What {@link createHttpServer} needs. */
export interface HttpServerOptions {
  /** The service the API serves; the server neither starts nor closes it. */
  readonly service: DeliveryTrackingService;
  /** A pino-compatible logger; the server logs through its children. */
  readonly logger: Logger;
  /** How pushed delivery reports are read. @defaultValue `{}` */
  readonly receipts?: ReceiptIntakeOptions;
  /**
   * How often an open change stream gets a heartbeat comment.
   * @defaultValue 15000
   */
  readonly heartbeatMs?: number;
  /**
   * A prom-client registry to serve at `GET /metrics`, such as `createMetrics().registry`.
   * @defaultValue none: `/metrics` answers 404
   */
  readonly metrics?: Registry;
}

const isRegistry = (value: unknown): boolean => {
  const candidate = value as Partial<Registry> | null;
  return typeof candidate?.metrics === 'function' && typeof candidate.contentType === 'string';
};

const optionsSchema = z.object({
  receipts: z
    .object({
      timeZoneOffsetMinutes: z
        .number()
        .int('expected whole minutes')
        .min(-18 * 60, 'expected at least -1080 (18 hours)')
        .max(18 * 60, 'expected at most 1080 (18 hours)')
        .optional(),
      vonageSignature: z
        .object({ secret: z.string().min(1) })
        .loose()
        .optional(),
      twilioSignature: z.object({ authToken: z.string().min(1), publicUrl: z.url() }).optional(),
    })
    .optional(),
  heartbeatMs: z.number().int().positive().optional(),
  metrics: z.custom<Registry>(isRegistry, 'expected a prom-client Registry').optional(),
});

/**
 * The HTTP API of a delivery tracking service, as a fastify instance that is not yet listening:
 * `listen()` it, and `close()` it before closing the service.
 *
 * - `POST /v1/sends`: record a send
 * - `POST /v1/receipts/:format` (GET too for vonage, kannel and jasmin): take delivery reports
 * - `GET /v1/messages`: records by filter, in pages with a cursor
 * - `GET /v1/messages/:messageId` (`?at=` for an earlier time) and
 *   `GET /v1/messages/:messageId/events`: a record, its history
 * - `GET /v1/stats`: counts by status, provider and type, and delivery rates
 * - `GET /v1/receipts/unmatched` and `GET /v1/receipts/dead-letters`: receipts waiting for
 *   their send, and payloads that could not be read
 * - `GET /v1/changes`: status changes as server-sent events
 * - `GET /metrics`, when given a registry
 * - `GET /healthz`
 *
 * Every error answer is `{ error: { code, message } }`.
 * @throws ValidationError when an option is out of range
 */
export function createHttpServer(options: HttpServerOptions): FastifyInstance {
  const checked = optionsSchema.safeParse(options);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    throw new ValidationError(issue.message, issue.path.map(String).join('.'));
  }
  const { service, logger, receipts = {}, heartbeatMs = 15_000, metrics } = options;
  const log = logger.child({ component: 'http' });

  const app = Fastify({ bodyLimit: BODY_LIMIT });
  installErrorHandler(app, log);
  logRequests(app, log);

  healthRoutes(app);
  sendRoutes(app, service);
  receiptRoutes(app, service, receipts, logger);
  receiptListingRoutes(app, service);
  messageListRoutes(app, service);
  messageRoutes(app, service);
  statsRoutes(app, service);
  changeRoutes(app, service, { heartbeatMs }, logger);
  metricsRoutes(app, metrics);
  return app;
}
