import { maxPosition, type Position } from '../eventstore/position.js';
import type { DeliveryCommand, ProviderAvailability } from '../machines/commands.js';
import { isStatusTransition } from '../machines/events.js';
import type { ServiceContext } from './context.js';
import type { FailoverRunner } from './failover-runner.js';
import type { Outcome } from './message-actor.js';
import { askProvider } from './provider-check.js';
import { report } from './telemetry.js';

/** What one polling run did. */
export interface RunSummary {
  /** Messages that were due and checked. */
  checked: number;
  /** Messages whose status changed. */
  changed: number;
  /** Checks that failed with an error of the service itself (not of the provider). */
  failed: number;
  /** Receipts that waited for their send past `unmatchedReceiptTtlMs` and were dropped. */
  expiredReceipts?: number;
}

interface CheckResult {
  readonly changed: boolean;
  readonly position: Position | null;
}

const NOTHING_RECORDED: CheckResult = { changed: false, position: null };

/**
 * Polls providers: takes a batch of due messages from the projection's index,
 * checks them a few at a time, and waits until their events are projected.
 */
export class Poller {
  readonly #ctx: ServiceContext;
  readonly #failover: FailoverRunner;

  constructor(ctx: ServiceContext, failover: FailoverRunner) {
    this.#ctx = ctx;
    this.#failover = failover;
  }

  async runBatch(): Promise<RunSummary> {
    const { projections, polling, shard, closing, log } = this.#ctx;
    const due = await projections.listDue(this.#ctx.now(), polling.batchSize, shard);
    const summary: RunSummary = { checked: 0, changed: 0, failed: 0 };
    const readAhead = this.#readAhead(due);
    let reached: Position | null = null;
    let next = 0;
    const recordings: Promise<void>[] = [];
    const settle = (messageId: string, recorded: Promise<CheckResult>) =>
      recorded.then(
        (result) => {
          summary.checked++;
          if (result.changed) summary.changed++;
          reached = maxPosition(reached, result.position);
        },
        (error) => {
          summary.failed++;
          log.error({ err: error, messageId }, 'check failed');
        },
      );
    // A worker waits for the provider's answer, so that `concurrency` bounds
    // the questions in flight, but not for the answer to be recorded: the
    // answers of a batch are then written in few transactions, not one each.
    // Unless the recording may send a fallback: those sends are bounded by
    // `concurrency` too, and none starts for a check that close() prevented.
    const worker = async () => {
      while (next < due.length && !closing.aborted) {
        const index = next++;
        const messageId = due[index]!;
        await readAhead(index);
        // close() may have begun during the read: the message is left due.
        if (closing.aborted) break;
        const asked = this.#check(messageId);
        const recorded = asked.then((check) => check.recorded);
        recordings.push(settle(messageId, recorded));
        const check = await asked.catch(() => undefined);
        if (check?.mayFailOver) await recorded.catch(() => undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.min(polling.concurrency, due.length) }, worker));
    await Promise.all(recordings);

    if (reached !== null) await this.#ctx.projection.waitFor(reached);
    if (due.length > 0) log.debug({ ...summary }, 'polling run done');
    return summary;
  }

  /**
   * Reads the due messages' streams a few at a time, in one read each (where
   * the event store can), just before their checks: a state read well before
   * its check would miss what another process wrote meanwhile, and the
   * provider would be asked about a message it need not be. Only a shortcut:
   * if a read fails, each check reads its own stream, and fails alone.
   */
  #readAhead(due: readonly string[]): (index: number) => Promise<void> {
    const size = this.#ctx.polling.concurrency * 2;
    const reads = new Map<number, Promise<void>>();
    return (index) => {
      const chunk = Math.floor(index / size);
      let read = reads.get(chunk);
      if (read === undefined) {
        read = this.#ctx.actors
          .prefetch(due.slice(chunk * size, (chunk + 1) * size))
          .catch((error) => {
            this.#ctx.log.warn(
              { err: error },
              'reading due messages at once failed; reading one by one',
            );
          });
        reads.set(chunk, read);
      }
      return read;
    };
  }

  /**
   * One check of one message: decide, ask the provider if the machine says
   * so, record. Resolves once the provider has answered; `recorded` settles
   * once the answer is appended (and any failover it led to is done).
   */
  async #check(
    messageId: string,
  ): Promise<{ recorded: Promise<CheckResult>; mayFailOver: boolean }> {
    const { actors, providers, polling, now } = this.#ctx;
    const loaded = await actors.load(messageId);
    const before = loaded.state;
    if (!before) return { recorded: Promise.resolve(NOTHING_RECORDED), mayFailOver: false };
    const provider = providers.get(before.providerId);
    const availability: ProviderAvailability = !provider
      ? 'missing'
      : typeof provider.getDeliveryStatus === 'function'
        ? 'available'
        : 'unsupported';
    const metadata = { causationId: `check:${messageId}:${before.attemptCount + 1}` };
    const mayFailOver = this.#failover.mayFollow(before);

    const due = await actors.execute(
      messageId,
      { type: 'check.due', now: now(), policy: polling, provider: availability },
      metadata,
      loaded,
    );
    if (!due.awaitingProvider) return { recorded: this.#done(due), mayFailOver };

    const answer = await askProvider(
      provider!,
      before,
      polling.requestTimeoutMs,
      this.#ctx.closing,
    );
    // A query that failed while closing was most likely cut short by close():
    // it says nothing about the message, which stays due. An answer is kept.
    if (this.#ctx.closing.aborted && answer.kind === 'failed') {
      return { recorded: Promise.resolve(NOTHING_RECORDED), mayFailOver: false };
    }
    const at = now();
    const command: DeliveryCommand =
      answer.kind === 'answered'
        ? { type: 'check.answered', now: at, policy: polling, observation: answer.observation }
        : { type: 'check.failed', now: at, policy: polling, error: answer.error };
    const recorded = actors.execute(messageId, command, metadata, loaded);
    return { recorded: recorded.then((outcome) => this.#done(outcome)), mayFailOver };
  }

  async #done(outcome: Outcome): Promise<CheckResult> {
    for (const event of outcome.events) {
      if (event.type === 'CheckCompleted') {
        const result = event.data.result;
        report(this.#ctx.telemetry, 'checkCompleted', {
          kind: result.kind,
          ...(result.kind === 'error' && { errorCode: result.error.code }),
        });
      } else if (event.type === 'CheckDeferred') {
        report(this.#ctx.telemetry, 'checkCompleted', { kind: 'deferred' });
      }
    }
    const position = await this.#failover.afterChange(outcome);
    // Changed by this check, not by whatever else a stale read did not show.
    const changed = outcome.events.some(isStatusTransition);
    return { changed, position };
  }
}
