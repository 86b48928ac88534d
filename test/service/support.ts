import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type {
  DeliveryStatus,
  DeliveryStatusQuery,
  DeliveryStatusResult,
  HookContext,
  SendResult,
} from '../../src/index.js';
import {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  ok,
  type Provider,
  type ProviderRequestContext,
  type Receipt,
  type Result,
  type TrackingRecord,
} from '../../src/index.js';
import { eventStoreFor, prepareBackend } from './backend.js';

/*
 * The service as its users meet it: a real SQLite event store in a temporary
 * directory, an injected clock, and fake providers that answer as told.
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** When the messages of a test were sent. */
export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);

/** A clock the test moves by hand, read by the service as epoch ms. */
export class Clock {
  #now: number;

  constructor(start = T0) {
    this.#now = start;
  }

  readonly now = (): number => this.#now;

  advance(ms: number): number {
    this.#now += ms;
    return this.#now;
  }

  set(at: number): number {
    this.#now = at;
    return this.#now;
  }
}

export interface Ledger {
  readonly service: DeliveryTrackingService;
  readonly clock: Clock;
  /** The SQLite file the service's events are in. */
  readonly file: string;
}

export type LedgerConfig = DeliveryTrackingServiceConfig & {
  /** Open this file instead of a new one: a restart, or a second instance. */
  readonly file?: string;
  readonly clock?: Clock;
};

/**
 * Opens services on SQLite files in temporary directories; every service
 * opened is closed, and its directory removed, after each test (or, with
 * `scope: 'file'`, after the file's last test).
 */
export function useLedgers({ scope = 'test' }: { scope?: 'test' | 'file' } = {}) {
  const opened: DeliveryTrackingService[] = [];
  const directories: string[] = [];
  beforeAll(prepareBackend);

  (scope === 'test' ? afterEach : afterAll)(async () => {
    await Promise.all(opened.splice(0).map((service) => service.close()));
    for (const directory of directories.splice(0)) {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  const newFile = (): string => {
    const directory = mkdtempSync(join(tmpdir(), 'ledger-service-'));
    directories.push(directory);
    return join(directory, 'ledger.db');
  };

  return {
    newFile,
    open(config: LedgerConfig = {}): Ledger {
      const { file = newFile(), clock = new Clock(), ...rest } = config;
      const service = new DeliveryTrackingService({
        now: clock.now,
        ...rest,
        ...(rest.eventStore === undefined && eventStoreFor(file)),
      });
      opened.push(service);
      return { service, clock, file };
    },
  };
}

// ---------------------------------------------------------------- providers

type Answer = Result<DeliveryStatusResult | null>;

/** A provider that answers with `answer` and remembers every question. */
export interface FakeProvider extends Provider {
  readonly calls: DeliveryStatusQuery[];
  readonly contexts: ProviderRequestContext[];
}

export function fakeProvider(
  id: string,
  answer: (query: DeliveryStatusQuery, call: number) => Answer | Promise<Answer>,
): FakeProvider {
  const calls: DeliveryStatusQuery[] = [];
  const contexts: ProviderRequestContext[] = [];
  return {
    id,
    calls,
    contexts,
    async getDeliveryStatus(query, context) {
      calls.push(query);
      contexts.push(context ?? {});
      return answer(query, calls.length);
    },
  };
}

/** A provider's answer that the message reached `status`. */
export function reached(
  query: DeliveryStatusQuery,
  status: DeliveryStatus,
  extra: Partial<DeliveryStatusResult> = {},
): Answer {
  return ok({ providerId: 'solapi', providerMessageId: query.providerMessageId, status, ...extra });
}

/** A provider that always says the message reached `status`. */
export function answering(
  id: string,
  status: DeliveryStatus,
  extra: Partial<DeliveryStatusResult> = {},
): FakeProvider {
  return fakeProvider(id, (query) => reached(query, status, extra));
}

/** A promise the test resolves by hand: what a provider or sender waits on. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

// ---------------------------------------------------------------- sends

export interface SendSpec {
  readonly messageId: string;
  readonly providerId?: string;
  readonly providerMessageId?: string;
  readonly type?: string;
  readonly to?: string;
  readonly from?: string;
  readonly timestamp?: number;
  readonly scheduledAt?: Date;
  readonly customFields?: Record<string, unknown>;
  readonly failover?: HookContext['options']['failover'];
  readonly warnings?: SendResult['warnings'];
}

/** k-msg's hook context for a send. */
export function sendContext(spec: SendSpec): HookContext {
  const options: HookContext['options']['options'] = {};
  if (spec.scheduledAt !== undefined) options.scheduledAt = spec.scheduledAt;
  if (spec.customFields !== undefined) options.customFields = spec.customFields;
  return {
    messageId: spec.messageId,
    timestamp: spec.timestamp ?? T0,
    options: {
      type: spec.type ?? 'SMS',
      to: spec.to ?? '01012345678',
      from: spec.from ?? '0212345678',
      ...(Object.keys(options).length > 0 && { options }),
      ...(spec.failover !== undefined && { failover: spec.failover }),
    },
  };
}

/** k-msg's send result for a send. */
export function sendResult(spec: SendSpec): SendResult {
  return {
    messageId: spec.messageId,
    providerId: spec.providerId ?? 'solapi',
    providerMessageId: spec.providerMessageId ?? `p-${spec.messageId}`,
    status: 'SENT',
    type: spec.type ?? 'SMS',
    to: spec.to ?? '01012345678',
    ...(spec.warnings !== undefined && { warnings: spec.warnings }),
  };
}

export function recordSend(service: DeliveryTrackingService, spec: SendSpec): Promise<void> {
  return service.recordSend(sendContext(spec), sendResult(spec));
}

/** Sends several messages `m-0` … `m-(count-1)`, one provider message id each. */
export async function recordSends(
  service: DeliveryTrackingService,
  count: number,
  spec: Omit<SendSpec, 'messageId'> = {},
): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `m-${i}`);
  await Promise.all(ids.map((messageId) => recordSend(service, { ...spec, messageId })));
  return ids;
}

// ---------------------------------------------------------------- receipts

/** A normalized delivery report of solapi for a provider message id. */
export function aReceipt(
  providerMessageId: string,
  status: DeliveryStatus,
  extra: Partial<Receipt> = {},
): Receipt {
  return {
    providerId: 'solapi',
    providerMessageId,
    status,
    providerStatus: status,
    occurredAt: new Date(T0 + MINUTE),
    raw: { id: providerMessageId, status },
    ...extra,
  };
}

// ---------------------------------------------------------------- reading

/** The record of a message that must be tracked. */
export async function recordOf(
  service: DeliveryTrackingService,
  messageId: string,
): Promise<TrackingRecord> {
  const record = await service.getRecord(messageId);
  if (!record) throw new Error(`expected a record for ${messageId}, found none`);
  return record;
}

/** Retries `probe` every few ms until it stops throwing, for at most `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** Lets pending callbacks and appends run: a few turns of the event loop. */
export async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((resolve) => setImmediate(resolve));
}
