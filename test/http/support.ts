import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { createHttpServer, type HttpServerOptions } from '../../src/http/index.js';
import type { Logger } from '../../src/logger.js';
import {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
} from '../../src/service/delivery-tracking-service.js';

/** One line a test logger was given. */
export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  bindings: Record<string, unknown>;
  obj: object;
  msg: string | undefined;
}

/** A logger that keeps what it is given, children included, for tests to look at. */
export function recordingLogger(
  entries: LogEntry[] = [],
  bindings: Record<string, unknown> = {},
): Logger & { entries: LogEntry[] } {
  const at =
    (level: LogEntry['level']) =>
    (obj: object, msg?: string): void => {
      entries.push({ level, bindings, obj, msg });
    };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (more) => recordingLogger(entries, { ...bindings, ...more }),
  };
}

/** A running API over a service with a SQLite store in a temporary directory. */
export interface TestApi {
  readonly url: string;
  readonly service: DeliveryTrackingService;
  readonly app: FastifyInstance;
  readonly log: LogEntry[];
  close(): Promise<void>;
}

/**
 * Starts the HTTP API on a free port of 127.0.0.1. `config` goes to the service (providers, a
 * clock, telemetry); its event store is always SQLite in a temporary directory.
 */
export async function startApi(
  options: Omit<HttpServerOptions, 'service' | 'logger'> = {},
  config: Omit<DeliveryTrackingServiceConfig, 'eventStore'> = {},
): Promise<TestApi> {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-http-'));
  const service = new DeliveryTrackingService({
    ...config,
    eventStore: new SqliteEventStore({ filename: join(dir, 'ledger.db') }),
    polling: { unknownProviderStrategy: 'wait', ...config.polling },
  });
  const logger = recordingLogger();
  const app = createHttpServer({ service, logger, ...options });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    service,
    app,
    log: logger.entries,
    async close() {
      await app.close();
      await service.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The phone number every test send goes to; no log line may hold it. */
export const PHONE = '01055512345';

/** A `POST /v1/sends` body: k-msg's hook context and send result. */
export function aSend(
  messageId: string,
  result: { providerId?: string; providerMessageId?: string } = {},
): { context: Record<string, unknown>; result: Record<string, unknown> } {
  return {
    context: {
      messageId,
      timestamp: '2026-11-30T10:00:00.000Z',
      options: { type: 'SMS', to: PHONE, from: '0212345678', text: 'Your code is 1234' },
    },
    result: {
      messageId,
      providerId: result.providerId ?? 'smpp',
      providerMessageId: result.providerMessageId ?? `p-${messageId}`,
      status: 'SENT',
      type: 'SMS',
      to: PHONE,
    },
  };
}

/** POSTs JSON and answers the status and the parsed body. */
export async function postJson(
  url: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** GETs a URL and answers the status and the parsed JSON body. */
export async function getJson(
  url: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** A fixture file's text. */
export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The lines of a fixture file that are neither blank nor `#` comments. */
export function fixtureLines(name: string): string[] {
  return readFixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}
