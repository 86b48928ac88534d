import type { ProviderError } from '../machines/policy.js';
import type { Result } from './types.js';

/** A successful Result, as k-msg providers return it. */
export function ok<T>(value: T): Result<T, never> {
  return { isSuccess: true, isFailure: false, value };
}

/** A failed Result, as k-msg providers return it. */
export function fail<E = ProviderError>(error: E): Result<never, E> {
  return { isSuccess: false, isFailure: true, error };
}
