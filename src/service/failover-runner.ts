import { randomUUID } from 'node:crypto';
import { maxPosition, type Position } from '../eventstore/position.js';
import type { DeliveryCommand } from '../machines/commands.js';
import { toTrackingRecord } from '../projections/tracking-record.js';
import type { ServiceContext } from './context.js';
import { fallbackSend, isNonKakaoUser } from './failover.js';
import type { Outcome } from './message-actor.js';

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

  /** Runs failover if the outcome calls for it; the last position appended. */
  async afterChange(outcome: Outcome): Promise<Position | null> {
    const { failover: config, actors, now } = this.#ctx;
    const state = outcome.state;
    if (
      !config ||
      !state ||
      state.type !== 'ALIMTALK' ||
      state.status !== 'FAILED' ||
      state.metadata?.failover?.apiAttempt.attempted !== false
    ) {
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
    let finished: Finished;
    try {
      const sent = await config.sender!(input, {
        originalMessageId: after.messageId,
        originalProviderId: after.providerId,
        originalProviderMessageId: after.providerMessageId,
        fallbackMessageId: input.messageId,
        fallbackType: input.type,
        record: toTrackingRecord(after),
        signal: this.#ctx.closing,
      });
      finished = {
        type: 'failover.finished',
        now: now(),
        result: sent.isSuccess
          ? {
              outcome: 'sent',
              fallbackMessageId: sent.value.messageId,
              fallbackProviderId: sent.value.providerId,
            }
          : { outcome: 'failed', errorCode: sent.error.code, errorMessage: sent.error.message },
      };
    } catch (error) {
      finished = {
        type: 'failover.finished',
        now: now(),
        result: {
          outcome: 'failed',
          errorCode: 'API_FAILOVER_SEND_EXCEPTION',
          errorMessage: error instanceof Error ? error.message : String(error),
        },
      };
    }
    const recorded = await actors.execute(after.messageId, finished);
    this.#ctx.log.info(
      { messageId: after.messageId, outcome: finished.result.outcome },
      'failover attempted',
    );
    return maxPosition(outcome.position, recorded.position);
  }
}
