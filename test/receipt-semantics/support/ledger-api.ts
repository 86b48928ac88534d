import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatPosition } from '../../../src/eventstore/position.js';
import { SqliteEventStore } from '../../../src/eventstore/sqlite.js';
import {
  createHttpServer,
  type ReceiptIntakeAnswer,
  type ReceiptIntakeOptions,
} from '../../../src/http/index.js';
import { silentLogger } from '../../../src/logger.js';
import { parkingStreamOf } from '../../../src/machines/parked-receipt.js';
import type { DeliveryStatus } from '../../../src/machines/status.js';
import {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  type HistoryEntry,
} from '../../../src/service/delivery-tracking-service.js';
import { T0 } from './receipt-times.js';

/*
 * The HTTP API as providers meet it: a real socket on 127.0.0.1, a real SQLite file in a
 * temporary directory, and a clock the test moves by hand.
 */

/** A clock the test moves by hand, read by the service as epoch ms. */
export class Clock {
  #now: number;

  constructor(start = T0) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  advance(ms: number): void {
    this.#now += ms;
  }
}

/** How a test ledger is set up: the service's options, and the server's receipt options. */
export interface LedgerApiOptions {
  readonly service?: Omit<DeliveryTrackingServiceConfig, 'eventStore' | 'now'>;
  readonly receipts?: ReceiptIntakeOptions;
}

/** What became of one request to the receipts endpoint. */
export interface PostAnswer {
  readonly status: number;
  /** The body as text: JSON for most formats, `ACK/Jasmin` for Jasmin. */
  readonly text: string;
  /** The parsed answer, when the body is JSON. */
  readonly answer: ReceiptIntakeAnswer | undefined;
}

/** A request to the receipts endpoint: the payload and how it is sent. */
export interface ReceiptRequest {
  readonly format: string;
  readonly providerId: string;
  readonly method: 'GET' | 'POST';
  readonly payload: string;
  readonly contentType?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A running API over a service whose clock and event store the test holds. */
export class LedgerApi {
  readonly service: DeliveryTrackingService;
  readonly clock: Clock;
  readonly events: SqliteEventStore;
  readonly url: string;
  readonly #close: () => Promise<void>;

  constructor(parts: {
    service: DeliveryTrackingService;
    clock: Clock;
    events: SqliteEventStore;
    url: string;
    close: () => Promise<void>;
  }) {
    this.service = parts.service;
    this.clock = parts.clock;
    this.events = parts.events;
    this.url = parts.url;
    this.#close = parts.close;
  }

  close(): Promise<void> {
    return this.#close();
  }

  /** Records a send over `POST /v1/sends`, sent now by the ledger's clock. */
  async recordSend(messageId: string, providerId: string, providerMessageId: string) {
    const response = await fetch(`${this.url}/v1/sends`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sendBody(messageId, providerId, providerMessageId, this.clock.now())),
    });
    if (response.status !== 202) {
      throw new Error(
        `expected 202 for the send, got ${response.status}: ${await response.text()}`,
      );
    }
  }

  /** Sends a provider's payload to `/v1/receipts/<format>?provider=<providerId>`. */
  async postReceipt(request: ReceiptRequest): Promise<PostAnswer> {
    const path = receiptPath(request.format, request.providerId);
    const response =
      request.method === 'GET'
        ? await fetch(`${this.url}${path}&${request.payload}`, { headers: request.headers })
        : await fetch(`${this.url}${path}`, {
            method: 'POST',
            headers: {
              'content-type': request.contentType ?? 'text/plain',
              ...request.headers,
            },
            body: request.payload,
          });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return {
      status: response.status,
      text,
      answer: json ? (JSON.parse(text) as ReceiptIntakeAnswer) : undefined,
    };
  }

  async statusOf(messageId: string): Promise<DeliveryStatus | undefined> {
    return (await this.service.getRecord(messageId))?.status;
  }

  async history(messageId: string): Promise<HistoryEntry[]> {
    return this.service.history(messageId);
  }

  /** The message's ReceiptReceived events. */
  async receiptsOf(messageId: string): Promise<HistoryEntry[]> {
    return (await this.history(messageId)).filter((event) => event.type === 'ReceiptReceived');
  }

  /** The types of the events of a waiting receipt's own stream. */
  async parkingHistory(receiptKey: string): Promise<string[]> {
    const events = await this.events.readStream(parkingStreamOf(receiptKey));
    return events.map((event) => event.type);
  }

  /** The position of the last event of the whole store, to tell whether anything was appended. */
  async head(): Promise<string | null> {
    const head = await this.events.headPosition();
    return head === null ? null : formatPosition(head);
  }
}

/** The path of the receipts endpoint of a format, naming the provider. */
export function receiptPath(format: string, providerId: string): string {
  return `/v1/receipts/${format}?provider=${encodeURIComponent(providerId)}`;
}

/** A `POST /v1/sends` body: k-msg's hook context and send result. */
function sendBody(
  messageId: string,
  providerId: string,
  providerMessageId: string,
  sentAt: number,
) {
  return {
    context: {
      messageId,
      timestamp: new Date(sentAt).toISOString(),
      options: { type: 'SMS', to: '01055512345', from: '0212345678', text: 'Your code is 1234' },
    },
    result: { messageId, providerId, providerMessageId, status: 'SENT', type: 'SMS' },
  };
}

/** Starts an API on a free port of 127.0.0.1 over a new SQLite file. */
export async function startLedgerApi(options: LedgerApiOptions = {}): Promise<LedgerApi> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-receipt-semantics-'));
  const clock = new Clock();
  const events = new SqliteEventStore({ filename: join(dir, 'ledger.db'), synchronous: 'normal' });
  const service = new DeliveryTrackingService({
    polling: { unknownProviderStrategy: 'wait' },
    ...options.service,
    eventStore: events,
    now: clock.now,
  });
  const app = createHttpServer({
    service,
    logger: silentLogger,
    ...(options.receipts !== undefined && { receipts: options.receipts }),
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const close = async () => {
    await app.close();
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return new LedgerApi({ service, clock, events, url, close });
}
