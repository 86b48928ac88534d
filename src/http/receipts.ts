import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../logger.js';
import {
  isReceiptFormat,
  JASMIN_ACK_BODY,
  type ParseReceiptOptions,
  parseReceiptPayload,
  RECEIPT_FORMATS,
  type VonageSignatureOptions,
} from '../receipts/index.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import { indexesOfItems, ingestItems, linesOfItems } from '../service/payload-intake.js';
import { acceptRawText } from './body-parsers.js';
import { type ErrorBody, HttpError } from './errors.js';
import { parseQuery, queryText } from './query.js';
import { PROVIDER_PARAMETER, receiptPayloadOf } from './receipt-payload.js';
import { checkTwilioSignature, type TwilioSignatureConfig } from './twilio-check.js';

/** How delivery reports pushed to the server are read. */
export interface ReceiptIntakeOptions {
  /**
   * How far the SMSC's clock is ahead of UTC, in minutes (540 for Korea), for the dates of
   * smpp, kannel and jasmin reports, which carry no time zone.
   * @defaultValue 0
   */
  readonly timeZoneOffsetMinutes?: number;
  /**
   * When given, every Vonage report must be signed (`sig`) with this secret and carry a
   * `timestamp` within the tolerance of the server's clock; others are rejected.
   */
  readonly vonageSignature?: Omit<VonageSignatureOptions, 'now'>;
  /** When given, every Twilio callback must carry a valid `X-Twilio-Signature`; others get 401. */
  readonly twilioSignature?: TwilioSignatureConfig;
}

/** The formats whose providers may call with GET and the report in the query string. */
const GET_FORMATS: ReadonlySet<string> = new Set(['vonage', 'kannel', 'jasmin']);

const receiptQuery = z.object({ [PROVIDER_PARAMETER]: queryText.optional() });

interface ReceiptParams {
  format: string;
}

/**
 * `POST /v1/receipts/:format?provider=<providerId>` (and GET for vonage, kannel and jasmin):
 * takes a payload of delivery reports and answers 200 with what became of each. A report that
 * cannot be read is rejected in the answer, not with an error status, so that the provider does
 * not send it again and again. Jasmin is answered `ACK/Jasmin`, without which it resends.
 */
export function receiptRoutes(
  app: FastifyInstance,
  service: DeliveryTrackingService,
  options: ReceiptIntakeOptions,
  logger: Logger,
): void {
  const log = logger.child({ component: 'http-receipts' });
  const handle = (request: FastifyRequest<{ Params: ReceiptParams }>, reply: FastifyReply) =>
    takeReceipts(request, reply, { service, options, log });

  app.register(async (scope) => {
    acceptRawText(scope);
    scope.post<{ Params: ReceiptParams }>('/v1/receipts/:format', handle);
    scope.get<{ Params: ReceiptParams }>(
      '/v1/receipts/:format',
      { exposeHeadRoute: false },
      (request, reply) => {
        if (isReceiptFormat(request.params.format) && !GET_FORMATS.has(request.params.format)) {
          reply.header('allow', 'POST');
          const message = `${request.params.format} reports are taken with POST, not GET`;
          throw new HttpError(405, 'METHOD_NOT_ALLOWED', message);
        }
        return handle(request, reply);
      },
    );
  });
}

interface Intake {
  readonly service: DeliveryTrackingService;
  readonly options: ReceiptIntakeOptions;
  readonly log: Logger;
}

async function takeReceipts(
  request: FastifyRequest<{ Params: ReceiptParams }>,
  reply: FastifyReply,
  { service, options, log }: Intake,
): Promise<FastifyReply> {
  const { format } = request.params;
  if (!isReceiptFormat(format)) return unknownFormat(reply, format);
  const query = parseQuery(receiptQuery, request.query);
  const providerId = query.provider ?? format;
  const payload = receiptPayloadOf(request);

  if (format === 'twilio' && options.twilioSignature) {
    checkTwilioSignature(request, payload.body, options.twilioSignature);
  }
  const items = parseReceiptPayload(format, payload, parseOptions(options, providerId));
  const places = format === 'smpp' ? linesOfItems(payload.body, items) : indexesOfItems(items);
  const answer = await ingestItems(service, items, places, { format, providerId, log });
  const { applied, ignored, pending, rejected } = answer;
  log.debug({ format, providerId, applied, ignored, pending, rejected }, 'payload taken');

  if (format === 'jasmin') return reply.type('text/plain').send(JASMIN_ACK_BODY);
  return reply.send(answer);
}

function parseOptions(options: ReceiptIntakeOptions, providerId: string): ParseReceiptOptions {
  const { timeZoneOffsetMinutes, vonageSignature } = options;
  return {
    providerId,
    ...(timeZoneOffsetMinutes !== undefined && { timeZoneOffsetMinutes }),
    // The time is the request's, so that a recorded request cannot be replayed later.
    ...(vonageSignature !== undefined && { signature: { ...vonageSignature, now: new Date() } }),
  };
}

function unknownFormat(reply: FastifyReply, format: string): FastifyReply {
  const formats = Object.keys(RECEIPT_FORMATS);
  const expected = `expected a report format among ${formats.join(', ')}`;
  const body: ErrorBody & { formats: string[] } = {
    error: { code: 'NOT_FOUND', message: `${expected}, got ${JSON.stringify(format)}` },
    formats,
  };
  return reply.status(404).send(body);
}
