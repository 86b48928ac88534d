/** How a provider without `getDeliveryStatus` is treated. */
export type UnsupportedProviderStrategy = 'skip' | 'unknown';
/** How a message whose provider is not configured is treated. */
export type UnknownProviderStrategy = 'unknown' | 'wait';

/**
 * The polling rules. Defaults are those of k-msg's delivery tracking, plus
 * `requestTimeoutMs` and `unknownProviderStrategy`.
 */
export interface PollingConfig {
  /** How often `start()` runs a batch. @defaultValue 5000 */
  intervalMs: number;
  /** Most messages one batch checks. @defaultValue 200 */
  batchSize: number;
  /** Checks of one batch running at once. @defaultValue 10 */
  concurrency: number;
  /** From the send to the first check. @defaultValue 30000 */
  initialDelayMs: number;
  /** After `scheduledAt`, how long before a scheduled message is checked. @defaultValue 120000 */
  scheduledGraceMs: number;
  /** Wait after the n-th check: `backoffMs[min(n - 1, last)]`. @defaultValue [30000, 120000, 600000, 1800000, 7200000] */
  backoffMs: number[];
  /** After this long without a final status a message ends UNKNOWN. @defaultValue 86400000 */
  maxTrackingDurationMs: number;
  /** @defaultValue 'skip' */
  unsupportedProviderStrategy: UnsupportedProviderStrategy;
  /** @defaultValue 'unknown' (the `serve` command uses 'wait') */
  unknownProviderStrategy: UnknownProviderStrategy;
  /** Longest wait for one provider status query. @defaultValue 10000 */
  requestTimeoutMs: number;
}

export const DEFAULT_POLLING_CONFIG: Readonly<PollingConfig> = Object.freeze({
  intervalMs: 5_000,
  batchSize: 200,
  concurrency: 10,
  initialDelayMs: 30_000,
  scheduledGraceMs: 120_000,
  backoffMs: [30_000, 120_000, 600_000, 1_800_000, 7_200_000],
  maxTrackingDurationMs: 86_400_000,
  unsupportedProviderStrategy: 'skip',
  unknownProviderStrategy: 'unknown',
  requestTimeoutMs: 10_000,
});

/** Wait after the `attempt`-th check (1-based). */
export function backoffDelay(attempt: number, backoffMs: readonly number[]): number {
  if (backoffMs.length === 0) return 60_000;
  const index = Math.min(Math.max(0, attempt - 1), backoffMs.length - 1);
  return Math.max(0, Math.floor(backoffMs[index]!));
}

/** A provider's error, as k-msg providers report it. */
export interface ProviderError {
  readonly code: string;
  readonly message: string;
  readonly retryable?: boolean;
  readonly httpStatus?: number;
}

const RETRYABLE_CODES = new Set([
  'NETWORK_ERROR',
  'NETWORK_TIMEOUT',
  'NETWORK_SERVICE_UNAVAILABLE',
  'RATE_LIMIT_EXCEEDED',
  'PROVIDER_ERROR',
  'UNKNOWN_ERROR',
]);

const RETRYABLE_HTTP = new Set([408, 425, 429]);

/** Whether asking again later may get an answer. */
export function isRetryable(error: ProviderError): boolean {
  if (typeof error.retryable === 'boolean') return error.retryable;
  if (RETRYABLE_CODES.has(error.code)) return true;
  const status = error.httpStatus;
  return typeof status === 'number' && (status >= 500 || RETRYABLE_HTTP.has(status));
}
