import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, vi } from 'vitest';
import { run } from '../../src/cli/run.js';
import {
  type DeliveryStatus,
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  SqliteEventStore,
} from '../../src/index.js';

/*
 * What the command tests share: temporary directories, ledgers filled through the library on a
 * real SQLite file, and the command run in-process with its output captured.
 */

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** When the first message of a test was sent. */
export const T0 = Date.parse('2026-11-30T10:00:00Z');

/** A directory for the test file's databases, removed after its last test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ledger-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A service on `file` (or any store given), with a clock the test sets. */
export interface SeedLedger {
  readonly service: DeliveryTrackingService;
  /** The service's time, in epoch ms. */
  now: number;
  send(message: SeedSend): Promise<void>;
  receipt(receipt: SeedReceipt): Promise<void>;
  close(): Promise<void>;
}

export interface SeedSend {
  messageId: string;
  providerId: string;
  providerMessageId: string;
  type?: string;
  to: string;
  from?: string;
  /** @defaultValue the clock's time */
  requestedAt?: number;
  customFields?: Record<string, unknown>;
}

export interface SeedReceipt {
  providerId: string;
  providerMessageId: string;
  status: DeliveryStatus;
  providerStatus: string;
}

export function openLedger(
  file: string,
  config: Omit<DeliveryTrackingServiceConfig, 'now'> = {},
): SeedLedger {
  const ledger: SeedLedger = {
    now: T0,
    service: new DeliveryTrackingService({
      eventStore: new SqliteEventStore({ filename: file }),
      polling: { unknownProviderStrategy: 'wait' },
      ...config,
      now: () => ledger.now,
    }),
    async send(message) {
      const type = message.type ?? 'SMS';
      await ledger.service.recordSend(
        {
          messageId: message.messageId,
          timestamp: message.requestedAt ?? ledger.now,
          options: {
            type,
            to: message.to,
            ...(message.from !== undefined && { from: message.from }),
            ...(message.customFields && { options: { customFields: message.customFields } }),
          },
        },
        {
          messageId: message.messageId,
          providerId: message.providerId,
          providerMessageId: message.providerMessageId,
          status: 'SENT',
          type,
          to: message.to,
        },
      );
    },
    async receipt(receipt) {
      await ledger.service.ingestReceipt(
        { ...receipt, occurredAt: new Date(ledger.now), raw: `${receipt.providerStatus}` },
        { format: 'test' },
      );
    },
    close: () => ledger.service.close(),
  };
  return ledger;
}

/**
 * Three messages: `m-delivered` (SMS, smsc-a), `m-failed` (SMS, smsc-a: FAILED, then a DELIVERED
 * receipt that is not applied) and `m-sent` (ALIMTALK, kakao-b), an hour apart from T0.
 */
export async function seedThreeMessages(file: string): Promise<void> {
  const ledger = openLedger(file);
  await ledger.send({
    messageId: 'm-delivered',
    providerId: 'smsc-a',
    providerMessageId: '1001',
    to: '01011110001',
    from: '0212345678',
  });
  ledger.now = T0 + 5 * MINUTE;
  await ledger.receipt({
    providerId: 'smsc-a',
    providerMessageId: '1001',
    status: 'DELIVERED',
    providerStatus: 'DELIVRD',
  });

  ledger.now = T0 + HOUR;
  await ledger.send({
    messageId: 'm-failed',
    providerId: 'smsc-a',
    providerMessageId: '1002',
    to: '01011110002',
  });
  ledger.now = T0 + HOUR + 5 * MINUTE;
  await ledger.receipt({
    providerId: 'smsc-a',
    providerMessageId: '1002',
    status: 'FAILED',
    providerStatus: 'UNDELIV',
  });
  ledger.now = T0 + HOUR + 10 * MINUTE;
  await ledger.receipt({
    providerId: 'smsc-a',
    providerMessageId: '1002',
    status: 'DELIVERED',
    providerStatus: 'DELIVRD',
  });

  ledger.now = T0 + 2 * HOUR;
  await ledger.send({
    messageId: 'm-sent',
    providerId: 'kakao-b',
    providerMessageId: 'K-1003',
    type: 'ALIMTALK',
    to: '01011110003',
  });
  await ledger.close();
}

/** What one in-process run of the command printed, and its exit code. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A run of the command in this process that is still going. */
export interface CliInProgress {
  /** What it printed on stdout so far. */
  stdout(): string;
  readonly done: Promise<CliResult>;
}

/**
 * Starts `delivery-ledger <args>` in this process, capturing stdout and stderr until it ends.
 * Use with {@link isolateEnvironment} in the test file, which silences the log.
 */
export function startCli(...args: string[]): CliInProgress {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    out.push(String(chunk));
    return true;
  });
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    err.push(String(chunk));
    return true;
  });
  const done = run(['node', 'delivery-ledger', ...args])
    .then((code) => ({ code, stdout: out.join(''), stderr: err.join('') }))
    .finally(() => {
      stdout.mockRestore();
      stderr.mockRestore();
    });
  return { stdout: () => out.join(''), done };
}

/** Runs `delivery-ledger <args>` in this process to its end; see {@link startCli}. */
export function cli(...args: string[]): Promise<CliResult> {
  return startCli(...args).done;
}

/** Waits until `check` holds, polling, or fails after `timeoutMs` saying what it waited for. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`expected ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Silences the log, and keeps the environment of one test from leaking into the next. */
export function isolateEnvironment(): void {
  beforeEach(() => {
    vi.stubEnv('LOG_LEVEL', 'silent');
    for (const name of [
      'LEDGER_DB',
      'LEDGER_CONFIG',
      'EVENTSTORE_URL',
      'LEDGER_SHARD',
      'LEDGER_RETENTION_INTERVAL',
    ]) {
      vi.stubEnv(name, undefined);
    }
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}
