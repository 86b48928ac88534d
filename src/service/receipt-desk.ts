import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../errors.js';
import { maxPosition, type Position } from '../eventstore/position.js';
import type { DeliveryCommand } from '../machines/commands.js';
import {
  type ParkedReceipt,
  type ParkingEvent,
  parkingStreamOf,
} from '../machines/parked-receipt.js';
import type { DeliveryState } from '../machines/state.js';
import { alternativeKeys, providerMessageKey } from '../receipts/message-id.js';
import type { Receipt } from '../receipts/receipt.js';
import { boundedRaw, MAX_RAW_CHARS } from './bounded-json.js';
import type { ServiceContext } from './context.js';
import { uuidV5 } from './event-ids.js';
import type { FailoverRunner } from './failover-runner.js';
import type { CommandMetadata, Outcome } from './message-actor.js';
import { type ReceiptOutcome, receiptKey, receiptToApply } from './receipt-intake.js';
import { report } from './telemetry.js';

/** The stream that keeps every payload that could not be read. */
export const DEAD_LETTER_STREAM = 'dead-letter-receipts';

/** A payload that could not be read, kept whole with the reason. */
export interface DeadLetter {
  readonly format: string;
  readonly providerId: string;
  readonly reason: string;
  readonly raw: string;
  readonly receivedAt: Date;
  readonly position: string;
}

/**
 * Takes delivery reports: applies each to its message, parks one whose send
 * is not recorded yet until the send comes (or the report expires), and keeps
 * payloads that cannot be read in a dead-letter stream.
 */
export class ReceiptDesk {
  readonly #ctx: ServiceContext;
  readonly #failover: FailoverRunner;

  constructor(ctx: ServiceContext, failover: FailoverRunner) {
    this.#ctx = ctx;
    this.#failover = failover;
  }

  async ingest(
    receipt: Receipt,
    options: { format?: string } & CommandMetadata = {},
  ): Promise<ReceiptOutcome> {
    const outcome = await this.#ingest(receipt, options);
    report(this.#ctx.telemetry, 'receiptIngested', {
      format: options.format ?? 'normalized',
      outcome: outcome.outcome,
    });
    return outcome;
  }

  async #ingest(
    receipt: Receipt,
    options: { format?: string } & CommandMetadata,
  ): Promise<ReceiptOutcome> {
    const messageIds = await this.#match(receipt);
    if (messageIds.length > 0) return this.#applyToAll(messageIds, receipt, options);

    const parked = await this.#park(receipt, options.format);
    // The send may have been recorded while the receipt was being parked:
    // look again now that the parking is projected, so that neither side misses the other.
    const late = await this.#match(receipt);
    if (late.length > 0) {
      const outcome = await this.#applyToAll(late, receipt, options);
      await this.#unpark(parked, {
        type: 'ParkedReceiptApplied',
        data: { messageId: late[0]!, appliedAt: this.#ctx.now() },
      });
      return outcome;
    }
    return {
      outcome: 'pending',
      reason: `no send of provider ${receipt.providerId} with provider message id ${receipt.providerMessageId} is recorded yet; kept until ${new Date(parked.expiresAt).toISOString()}`,
    };
  }

  /** Applies the receipts that were waiting for this message's send. */
  async claimParked(state: DeliveryState): Promise<Position | null> {
    const { projections, receiptMatching } = this.#ctx;
    const keys = [
      providerMessageKey(state.providerMessageId),
      ...alternativeKeys(state.providerMessageId, {
        decimalHex: receiptMatching[state.providerId]?.decimalHex ?? false,
      }),
    ];
    if (keys[0] === '') return null;
    let reached: Position | null = null;
    for (const parked of await projections.findParked(state.providerId, keys)) {
      const outcome = await this.#apply(state.messageId, toReceipt(parked), {
        ...(parked.format !== undefined && { format: parked.format }),
      });
      reached = maxPosition(reached, await this.#failover.afterChange(outcome));
      const applied = { messageId: state.messageId, appliedAt: this.#ctx.now() };
      await this.#unpark(parked, { type: 'ParkedReceiptApplied', data: applied });
    }
    return reached;
  }

  /** Drops receipts that waited longer than `unmatchedReceiptTtlMs`; how many it dropped. */
  async expireParked(limit: number): Promise<number> {
    const now = this.#ctx.now();
    const expired = await this.#ctx.projections.listExpiredParked(now, limit);
    for (const parked of expired) {
      await this.#unpark(parked, { type: 'ParkedReceiptExpired', data: { expiredAt: now } });
    }
    if (expired.length > 0) {
      this.#ctx.log.info({ count: expired.length }, 'unmatched receipts expired');
    }
    return expired.length;
  }

  /**
   * Keeps a payload that could not be read, with the reason: whole up to
   * `MAX_RAW_CHARS`, beyond that its start and its full length.
   */
  async deadLetter(entry: { format: string; providerId: string; reason: string; raw: string }) {
    const receivedAt = this.#ctx.now();
    if (entry.raw.length > MAX_RAW_CHARS) {
      entry = {
        ...entry,
        raw: entry.raw.slice(0, MAX_RAW_CHARS),
        reason: `${entry.reason} (payload of ${entry.raw.length} characters; the first ${MAX_RAW_CHARS} kept)`,
      };
    }
    await this.#ctx.events.append(DEAD_LETTER_STREAM, [
      {
        id: randomUUID(),
        type: 'ReceiptRejected',
        data: { ...entry, receivedAt },
        metadata: { schemaVersion: 1, occurredAt: receivedAt },
      },
    ]);
    report(this.#ctx.telemetry, 'receiptIngested', { format: entry.format, outcome: 'rejected' });
    // The reason may quote the payload (and its phone numbers): it is not logged.
    this.#ctx.log.warn(
      { format: entry.format, providerId: entry.providerId },
      'unreadable receipt kept as a dead letter',
    );
  }

  async listDeadLetters(options: { limit: number; offset?: number }): Promise<DeadLetter[]> {
    const events = await this.#ctx.events.readStream(DEAD_LETTER_STREAM, {
      fromRevision: options.offset ?? 0,
      maxCount: options.limit,
    });
    return events.map((event) => {
      const data = event.data as Omit<DeadLetter, 'receivedAt' | 'position'> & {
        receivedAt: number;
      };
      return {
        format: data.format,
        providerId: data.providerId,
        reason: data.reason,
        raw: data.raw,
        receivedAt: new Date(data.receivedAt),
        position: `${event.position.commit}`,
      };
    });
  }

  async #match(receipt: Receipt): Promise<string[]> {
    const { projections, receiptMatching } = this.#ctx;
    const key = providerMessageKey(receipt.providerMessageId);
    const found = await projections.findByProviderMessageKeys(receipt.providerId, [key]);
    if (found.length > 0) return found;
    const others = alternativeKeys(receipt.providerMessageId, {
      decimalHex: receiptMatching[receipt.providerId]?.decimalHex ?? false,
    });
    return others.length === 0
      ? []
      : projections.findByProviderMessageKeys(receipt.providerId, others);
  }

  async #applyToAll(
    messageIds: readonly string[],
    receipt: Receipt,
    options: { format?: string } & CommandMetadata,
  ): Promise<ReceiptOutcome> {
    if (messageIds.length > 1) {
      this.#ctx.log.warn(
        { providerId: receipt.providerId, messageIds },
        'receipt matches several messages',
      );
    }
    let last: ReceiptOutcome | undefined;
    for (const messageId of messageIds) {
      const outcome = await this.#apply(messageId, receipt, options);
      const position = await this.#failover.afterChange(outcome);
      if (position) await this.#ctx.projection.waitFor(position);
      last = describeReceipt(messageId, outcome);
    }
    return last!;
  }

  #apply(
    messageId: string,
    receipt: Receipt,
    options: { format?: string } & CommandMetadata,
  ): Promise<Outcome> {
    const command: DeliveryCommand = {
      type: 'receipt.received',
      now: this.#ctx.now(),
      receipt: receiptToApply(receipt, options.format),
    };
    return this.#ctx.actors.execute(messageId, command, {
      causationId: `receipt:${command.receipt.receiptKey}`,
      ...(options.correlationId !== undefined && { correlationId: options.correlationId }),
    });
  }

  async #park(receipt: Receipt, format: string | undefined): Promise<ParkedReceipt> {
    const now = this.#ctx.now();
    const key = receiptKey(receipt);
    const parked: ParkedReceipt = {
      receiptKey: key,
      providerId: receipt.providerId,
      providerMessageId: receipt.providerMessageId,
      providerMessageKey: providerMessageKey(receipt.providerMessageId),
      ...(format !== undefined && { format }),
      status: receipt.status,
      providerStatus: receipt.providerStatus,
      ...(receipt.errorCode !== undefined && { errorCode: receipt.errorCode }),
      ...(receipt.errorMessage !== undefined && { errorMessage: receipt.errorMessage }),
      ...(receipt.occurredAt !== undefined && { occurredAt: receipt.occurredAt.getTime() }),
      ...(receipt.segment !== undefined && { segment: receipt.segment }),
      raw: boundedRaw(receipt.raw) ?? null,
      parkedAt: now,
      expiresAt: now + this.#ctx.unmatchedReceiptTtlMs,
    };
    try {
      const { position } = await this.#appendParking(parked.receiptKey, 'no_stream', {
        type: 'ReceiptParked',
        data: parked,
      });
      await this.#ctx.projection.waitFor(position);
    } catch (error) {
      // Parked before: the same receipt, already waiting (or already applied).
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
    return parked;
  }

  async #unpark(parked: ParkedReceipt, event: ParkingEvent): Promise<void> {
    try {
      const { position } = await this.#appendParking(parked.receiptKey, 0, event);
      await this.#ctx.projection.waitFor(position);
    } catch (error) {
      // Another writer applied or expired it first; once is enough.
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
    }
  }

  #appendParking(key: string, expected: 'no_stream' | number, event: ParkingEvent) {
    const streamId = parkingStreamOf(key);
    const occurredAt = this.#ctx.now();
    return this.#ctx.events.append(
      streamId,
      [
        {
          id: uuidV5(`${streamId}\n${expected}\n${event.type}`),
          type: event.type,
          data: event.data as unknown as Record<string, unknown>,
          metadata: { schemaVersion: 1, occurredAt, correlationId: key },
        },
      ],
      { expectedRevision: expected },
    );
  }
}

function toReceipt(parked: ParkedReceipt): Receipt {
  return {
    providerId: parked.providerId,
    providerMessageId: parked.providerMessageId,
    status: parked.status,
    providerStatus: parked.providerStatus,
    ...(parked.errorCode !== undefined && { errorCode: parked.errorCode }),
    ...(parked.errorMessage !== undefined && { errorMessage: parked.errorMessage }),
    ...(parked.occurredAt !== undefined && { occurredAt: new Date(parked.occurredAt) }),
    ...(parked.segment !== undefined && { segment: parked.segment }),
    raw: (parked.raw ?? '') as Receipt['raw'],
  };
}

function describeReceipt(messageId: string, outcome: Outcome): ReceiptOutcome {
  const status = outcome.state?.status;
  const received = outcome.events.find((e) => e.type === 'ReceiptReceived');
  if (received?.type !== 'ReceiptReceived') {
    return {
      outcome: 'ignored',
      reason: 'duplicate receipt: already recorded',
      messageId,
      ...(status && { status }),
    };
  }
  const { disposition, reason } = received.data;
  if (disposition === 'unchanged' && status !== 'PENDING' && status !== 'SENT') {
    return {
      outcome: 'ignored',
      reason: `kept in history: confirms the final status ${status} the message already has`,
      messageId,
      ...(status && { status }),
    };
  }
  if (disposition === 'not-applied') {
    return {
      outcome: 'ignored',
      reason: `kept in history, not applied: ${reason}`,
      messageId,
      ...(status && { status }),
    };
  }
  return { outcome: 'applied', messageId, ...(status && { status }) };
}
