import { ValidationError } from '../errors.js';
import { DEFAULT_POLLING_CONFIG, type PollingConfig } from '../machines/policy.js';
import type { Shard } from '../projections/projection-store.js';
import type { Provider } from './types.js';

const POSITIVE = ['intervalMs', 'batchSize', 'concurrency', 'requestTimeoutMs'] as const;
const NON_NEGATIVE = ['initialDelayMs', 'scheduledGraceMs', 'maxTrackingDurationMs'] as const;

/** The polling rules with defaults filled in. @throws ValidationError for a value out of range */
export function resolvePolling(polling: Partial<PollingConfig> | undefined): PollingConfig {
  const resolved: PollingConfig = {
    ...DEFAULT_POLLING_CONFIG,
    ...polling,
    backoffMs: [...(polling?.backoffMs ?? DEFAULT_POLLING_CONFIG.backoffMs)],
  };
  for (const key of POSITIVE) {
    if (!Number.isFinite(resolved[key]) || resolved[key] <= 0) {
      throw new ValidationError(
        `expected a positive number, got ${resolved[key]}`,
        `polling.${key}`,
      );
    }
  }
  for (const key of NON_NEGATIVE) {
    if (!Number.isFinite(resolved[key]) || resolved[key] < 0) {
      throw new ValidationError(`expected a number >= 0, got ${resolved[key]}`, `polling.${key}`);
    }
  }
  if (
    resolved.backoffMs.length === 0 ||
    resolved.backoffMs.some((ms) => !Number.isFinite(ms) || ms < 0)
  ) {
    throw new ValidationError('expected a non-empty array of numbers >= 0', 'polling.backoffMs');
  }
  if (!['skip', 'unknown'].includes(resolved.unsupportedProviderStrategy)) {
    throw new ValidationError(
      `expected "skip" or "unknown", got ${JSON.stringify(resolved.unsupportedProviderStrategy)}`,
      'polling.unsupportedProviderStrategy',
    );
  }
  if (!['unknown', 'wait'].includes(resolved.unknownProviderStrategy)) {
    throw new ValidationError(
      `expected "unknown" or "wait", got ${JSON.stringify(resolved.unknownProviderStrategy)}`,
      'polling.unknownProviderStrategy',
    );
  }
  return resolved;
}

/** Providers by id; the first of two with one id wins, as in k-msg. */
export function indexProviders(providers: readonly Provider[] | undefined): Map<string, Provider> {
  if (providers !== undefined && !Array.isArray(providers)) {
    throw new ValidationError('expected an array of providers', 'providers');
  }
  const byId = new Map<string, Provider>();
  for (const [index, provider] of (providers ?? []).entries()) {
    if (provider === null || typeof provider !== 'object' || typeof provider.id !== 'string') {
      throw new ValidationError(
        'expected a provider object with a string id',
        `providers[${index}]`,
      );
    }
    if (!byId.has(provider.id)) byId.set(provider.id, provider);
  }
  return byId;
}

export function checkShard(shard: Shard | undefined): Shard | undefined {
  if (shard === undefined) return undefined;
  const { index, count } = shard;
  if (
    !Number.isInteger(count) ||
    count < 1 ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= count
  ) {
    throw new ValidationError(`expected 0 <= index < count, got ${index}/${count}`, 'shard');
  }
  return shard;
}
