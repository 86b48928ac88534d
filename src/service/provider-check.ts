import type { Observation } from '../machines/events.js';
import type { ProviderError } from '../machines/policy.js';
import type { DeliveryState } from '../machines/state.js';
import { isDeliveryStatus } from '../machines/status.js';
import { boundedRaw } from './bounded-json.js';
import type { DeliveryStatusResult, Provider } from './types.js';

/** What one question to a provider came to. */
export type ProviderAnswer =
  | { readonly kind: 'answered'; readonly observation: Observation | null }
  | { readonly kind: 'failed'; readonly error: ProviderError };

/**
 * Asks a provider for one message's status, with a deadline. Whatever the
 * provider does (answers, fails, throws, hangs, returns nonsense) ends as an
 * answer for this message alone.
 */
export function askProvider(
  provider: Provider,
  state: DeliveryState,
  timeoutMs: number,
  closing: AbortSignal,
): Promise<ProviderAnswer> {
  const query = {
    providerMessageId: state.providerMessageId,
    type: state.type,
    to: state.to,
    requestedAt: new Date(state.requestedAt),
    ...(state.scheduledAt !== undefined && { scheduledAt: new Date(state.scheduledAt) }),
  };
  const controller = new AbortController();
  return new Promise<ProviderAnswer>((resolve) => {
    let answered = false;
    const onClose = () => controller.abort(closing.reason);
    const answer = (result: ProviderAnswer) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      closing.removeEventListener('abort', onClose);
      resolve(result);
    };
    const threw = (error: unknown) =>
      answer(
        failed(
          'PROVIDER_ERROR',
          `provider ${provider.id} threw: ${(error as Error)?.message ?? error}`,
        ),
      );
    // A listener added to a signal already aborted is never called.
    if (closing.aborted) onClose();
    else closing.addEventListener('abort', onClose, { once: true });
    const timer = setTimeout(() => {
      controller.abort(new Error('timed out'));
      answer(
        failed('NETWORK_TIMEOUT', `no answer from provider ${provider.id} within ${timeoutMs} ms`),
      );
    }, timeoutMs);
    const read = (result: unknown) => {
      try {
        answer(readResult(result, provider.id));
      } catch (error) {
        threw(error);
      }
    };
    try {
      Promise.resolve(provider.getDeliveryStatus!(query, { signal: controller.signal })).then(
        read,
        threw,
      );
    } catch (error) {
      threw(error);
    }
  });
}

function failed(code: string, message: string): ProviderAnswer {
  return { kind: 'failed', error: { code, message, retryable: true } };
}

function readResult(result: unknown, providerId: string): ProviderAnswer {
  const r = result as { isSuccess?: unknown; value?: unknown; error?: unknown } | null;
  if (r === null || typeof r !== 'object' || typeof r.isSuccess !== 'boolean') {
    return failed('INVALID_PROVIDER_RESPONSE', `provider ${providerId} did not return a Result`);
  }
  if (!r.isSuccess) {
    const e = (r.error ?? {}) as Partial<ProviderError>;
    return {
      kind: 'failed',
      error: {
        code: typeof e.code === 'string' ? e.code : 'UNKNOWN_ERROR',
        message: typeof e.message === 'string' ? e.message : 'the provider reported a failure',
        ...(typeof e.retryable === 'boolean' && { retryable: e.retryable }),
        ...(typeof e.httpStatus === 'number' && { httpStatus: e.httpStatus }),
      },
    };
  }
  if (r.value === null || r.value === undefined) return { kind: 'answered', observation: null };
  const value = r.value as Partial<DeliveryStatusResult>;
  if (!isDeliveryStatus(value.status)) {
    return failed(
      'INVALID_PROVIDER_RESPONSE',
      `provider ${providerId} answered status ${JSON.stringify(value.status)}; expected one of PENDING, SENT, DELIVERED, FAILED, CANCELLED, UNKNOWN`,
    );
  }
  return { kind: 'answered', observation: observationOf(value as DeliveryStatusResult) };
}

const ms = (d: unknown): number | undefined =>
  d instanceof Date && !Number.isNaN(d.getTime()) ? d.getTime() : undefined;

function observationOf(value: DeliveryStatusResult): Observation {
  const observation: { -readonly [K in keyof Observation]: Observation[K] } = {
    status: value.status,
  };
  if (typeof value.statusCode === 'string') observation.statusCode = value.statusCode;
  if (typeof value.statusMessage === 'string') observation.statusMessage = value.statusMessage;
  if (ms(value.sentAt) !== undefined) observation.sentAt = ms(value.sentAt);
  if (ms(value.deliveredAt) !== undefined) observation.deliveredAt = ms(value.deliveredAt);
  if (ms(value.failedAt) !== undefined) observation.failedAt = ms(value.failedAt);
  const raw = boundedRaw(value.raw);
  if (raw !== undefined) observation.raw = raw;
  return observation;
}
