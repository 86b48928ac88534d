import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  ok,
  type Provider,
  SqliteEventStore,
} from '../src/index.js';

/** A temporary folder, removed by `dispose`. */
export function tempDir(): { path: string; dispose: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'ledger-bench-'));
  return { path, dispose: () => rmSync(path, { recursive: true, force: true }) };
}

/** A provider that answers DELIVERED at once. */
export const instantProvider: Provider = {
  id: 'bench',
  getDeliveryStatus: async (query) =>
    ok({ providerId: 'bench', providerMessageId: query.providerMessageId, status: 'DELIVERED' }),
};

export const T0 = Date.UTC(2026, 11, 1);

export function openService(
  filename: string,
  config: DeliveryTrackingServiceConfig = {},
): DeliveryTrackingService {
  return new DeliveryTrackingService({
    eventStore: config.eventStore ?? new SqliteEventStore({ filename }),
    providers: [instantProvider],
    ...config,
  });
}

export function sendArgs(i: number, at = T0) {
  const messageId = `bench-${i}`;
  return [
    { messageId, timestamp: at, options: { type: 'SMS', to: '01000000000' } },
    {
      messageId,
      providerId: 'bench',
      providerMessageId: `pm-${i}`,
      status: 'SENT',
      type: 'SMS',
      to: '01000000000',
    },
  ] as const;
}

/** Runs `work(i)` for i in [0, n) with `callers` concurrent loops. */
export async function inParallel(
  n: number,
  callers: number,
  work: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: callers }, async () => {
      while (next < n) await work(next++);
    }),
  );
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The middle value (the upper one of the middle two for an even count). */
export function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

export interface Row {
  readonly measure: string;
  readonly value: string;
  readonly target: string;
  readonly met?: boolean;
}
