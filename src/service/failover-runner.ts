import { randomUUID } from 'node:crypto';
import { maxPosition, type Position } from '../eventstore/position.js';
import type { DeliveryCommand } from '../machines/commands.js';
import type { DeliveryState } from '../machines/state.js';
import { toTrackingRecord } from '../projections/tracking-record.js';
import type { ServiceContext } from './context.js';
import { fallbackSend, isNonKakaoUser } from './failover.js';
import type { Outcome } from './message-actor.js';
import type { ApiFailoverConfig, FailoverSendInput } from './types.js';

type Finished = Extract<DeliveryCommand, { type: 'failover.finished' }>;

/**
 * AlimTalk-to-SMS failover: after any outcome that left an AlimTalk message
 * FAILED, asks the machine whether to fall back, sends the SMS through the
 * configured sender, and records what came of it. The machine allows one
 * attempt per message, ever.
 */
export class FailoverRunner {
  readonly #ctx: ServiceContext;

  constructor(ctx: ServiceContext) {
    this.#ctx = ctx;
  }

  /** Whether failover would be tried for this message, should it become FAILED. */
  mayFollow(state: DeliveryState): boolean {
    return (
      this.#ctx.failover !== undefined &&
      state.type === 'ALIMTALK' &&
      state.metadata?.failover?.apiAttempt.attempted === false
    );
  }

  /** Runs failover if the outcome calls for it; the last position appended. */
  async afterChange(outcome: Outcome): Promise<Position | null> {
    const { failover: config, actors, now } = this.#ctx;
    const state = outcome.state;
    if (!config || !state || state.status !== 'FAILED' || !this.mayFollow(state)) {
      return outcome.position;
    }

    const attemptId = randomUUID();
    const started = await actors.execute(state.messageId, {
      type: 'failover.consider',
      now: now(),
      enabled: config.enabled !== false,
      senderConfigured: typeof config.sender === 'function',
      nonKakaoUser: isNonKakaoUser(config, state),
      attemptId,
    });
    // Only the caller whose own attempt was stored sends, and only if the
    // attempt was not skipped on the spot (no sender, no content).
    const after = started.state;
    const ours = started.events.some(
      (e) => e.type === 'FailoverStarted' && e.data.attemptId === attemptId,
    );
    const skipped = started.events.some((e) => e.type === 'FailoverFinished');
    if (!after || !ours || skipped) {
      return maxPosition(outcome.position, started.position);
    }

    const input = fallbackSend(after);
    const result = await this.#send(config, after, input);
    const recorded = await actors.execute(after.messageId, {
      type: 'failover.finished',
      now: now(),
      result,
    });
    this.#ctx.log.info(
      { messageId: after.messageId, outcome: result.outcome },
      'failover attempted',
    );
    return maxPosition(outcome.position, recorded.position);
  }

  /**
   * Sends the fallback through the configured sender, within the provider
   * request timeout: a sender that throws, hangs or answers nonsense is a
   * failed attempt, recorded as such. close() does not cut it short but
   * waits for it: the attempt was stored before the send, and a message has
   * only the one.
   */
  async #send(
    config: ApiFailoverConfig,
    state: DeliveryState,
    input: FailoverSendInput,
  ): Promise<Finished['result']> {
    const timeoutMs = this.#ctx.polling.requestTimeoutMs;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<Finished['result']>((resolve) => {
      timer = setTimeout(() => {
        controller.abort(new Error('timed out'));
        resolve({
          outcome: 'failed',
          errorCode: 'API_FAILOVER_SEND_TIMEOUT',
          errorMessage: `the fallback sender did not answer within ${timeoutMs} ms; it may or may not have sent`,
        });
      }, timeoutMs);
    });
    const sending = (async (): Promise<Finished['result']> => {
      try {
        const sent = await config.sender!(input, {
          originalMessageId: state.messageId,
          originalProviderId: state.providerId,
          originalProviderMessageId: state.providerMessageId,
          fallbackMessageId: input.messageId,
          fallbackType: input.type,
          record: toTrackingRecord(state),
          signal: controller.signal,
        });
        return readSendResult(sent);
      } catch (error) {
        return {
          outcome: 'failed',
          errorCode: 'API_FAILOVER_SEND_EXCEPTION',
          errorMessage: error instanceof Error ? error.message : String(error),
        };
      }
    })();
    try {
      return await Promise.race([sending, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The sender's Result, read defensively: anything else is a failed attempt that says so. */
function readSendResult(sent: unknown): Finished['result'] {
  const r = sent as { isSuccess?: unknown; value?: unknown; error?: unknown } | null;
  if (r !== null && typeof r === 'object' && r.isSuccess === true) {
    const value = (r.value ?? {}) as { messageId?: unknown; providerId?: unknown };
    if (typeof value.messageId === 'string' && typeof value.providerId === 'string') {
      return {
        outcome: 'sent',
        fallbackMessageId: value.messageId,
        fallbackProviderId: value.providerId,
      };
    }
  }
  if (r !== null && typeof r === 'object' && r.isSuccess === false) {
    const error = (r.error ?? {}) as { code?: unknown; message?: unknown };
    return {
      outcome: 'failed',
      errorCode: typeof error.code === 'string' ? error.code : 'UNKNOWN_ERROR',
      errorMessage:
        typeof error.message === 'string' ? error.message : 'the sender reported a failure',
    };
  }
  return {
    outcome: 'failed',
    errorCode: 'API_FAILOVER_INVALID_RESULT',
    errorMessage:
      'expected the sender to return a Result ({ isSuccess, value: { messageId, providerId } } or { isSuccess: false, error }), got something else',
  };
}
