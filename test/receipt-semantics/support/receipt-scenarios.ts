import fc from 'fast-check';
import type { DeliveryStatus } from '../../../src/machines/status.js';
import type { Receipt } from '../../../src/receipts/receipt.js';
import type { ReportedStatus } from './format-table.js';
import { at } from './receipt-times.js';
import { SMPP_STAT } from './smpp-lines.js';

/*
 * Random receipt sets for one message, the orders they may arrive in, and what the service must
 * make of them.
 */

/** One distinct receipt of a message: what it reports, when, and for which part. */
export interface ModelReceipt {
  readonly status: ReportedStatus;
  /** Minutes after T0; no two receipts of a scenario share one. */
  readonly minute: number;
  /** The part it reports on, from 1, for a multi-part message. */
  readonly part?: number;
}

/** A message's receipts, and how many parts the message has when it has several. */
export interface ReceiptSet {
  /** Undefined for a message in one part, whose receipts carry no segment. */
  readonly parts: number | undefined;
  readonly receipts: readonly ModelReceipt[];
}

/** An order of arrival: indexes into the set's receipts, each at least once, some repeated. */
export type Arrival = readonly number[];

/** The normalized receipt the service takes for a model receipt. */
export function toReceipt(set: ReceiptSet, receipt: ModelReceipt, providerMessageId: string) {
  const stat = SMPP_STAT[receipt.status];
  return {
    providerId: 'property',
    providerMessageId,
    status: receipt.status,
    providerStatus: stat,
    occurredAt: at(receipt.minute),
    ...(set.parts !== undefined && { segment: { index: receipt.part ?? 1, count: set.parts } }),
    raw: `id:${providerMessageId} stat:${stat}`,
  } satisfies Receipt;
}

// ---------------------------------------------------------------- arbitraries

const partsArb = fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined, freq: 2 });

/**
 * A set of 1 to 7 receipts with distinct times. In an `agreeing` set the DELIVERED and FAILED
 * receipts of each part (of the message, when it has one part) all say the same; SENT and
 * UNKNOWN receipts are mixed in freely.
 */
export function receiptSetArb({ agreeing }: { agreeing: boolean }): fc.Arbitrary<ReceiptSet> {
  return partsArb.chain((parts) => {
    const receipt = fc.record({
      kind: fc.constantFrom('SENT', 'UNKNOWN', 'DELIVERED', 'FAILED', 'FINAL'),
      part: fc.integer({ min: 1, max: parts ?? 1 }),
    });
    const finals = fc.array(fc.constantFrom<ReportedStatus>('DELIVERED', 'FAILED'), {
      minLength: parts ?? 1,
      maxLength: parts ?? 1,
    });
    const minutes = fc.uniqueArray(fc.integer({ min: 1, max: 600 }), {
      minLength: 1,
      maxLength: 7,
    });
    return fc.tuple(minutes, finals).chain(([times, finalOfPart]) =>
      fc.array(receipt, { minLength: times.length, maxLength: times.length }).map((drawn) => ({
        parts,
        receipts: drawn.map(({ kind, part }, i): ModelReceipt => {
          const final = finalOfPart[part - 1]!;
          const status: ReportedStatus =
            kind === 'FINAL' || (agreeing && (kind === 'DELIVERED' || kind === 'FAILED'))
              ? final
              : kind;
          return { status, minute: times[i]!, ...(parts !== undefined && { part }) };
        }),
      })),
    );
  });
}

/** An order of arrival for `count` receipts: each comes one to three times, shuffled. */
export function arrivalArb(count: number): fc.Arbitrary<Arrival> {
  return fc
    .array(fc.integer({ min: 1, max: 3 }), { minLength: count, maxLength: count })
    .chain((copies) => {
      const all = copies.flatMap((times, index) => Array.from({ length: times }, () => index));
      return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
    });
}

/** An arrival, and how many of its receipts come before the send is recorded. */
export function arrivalWithSendArb(count: number): fc.Arbitrary<{
  arrival: Arrival;
  beforeSend: number;
}> {
  return arrivalArb(count).chain((arrival) =>
    fc.integer({ min: 0, max: arrival.length }).map((beforeSend) => ({ arrival, beforeSend })),
  );
}

// ---------------------------------------------------------------- the model

/**
 * What one part's receipts (or a one-part message's), in the order they were taken, make of its
 * status: the first DELIVERED or FAILED wins, as nothing moves a final status; an UNKNOWN
 * only lasts until a DELIVERED or FAILED settles it, late; SENT moves nothing past SENT.
 */
export function partStatus(taken: readonly ReportedStatus[]): DeliveryStatus | undefined {
  const settled = taken.find((status) => status === 'DELIVERED' || status === 'FAILED');
  if (settled !== undefined) return settled;
  if (taken.includes('UNKNOWN')) return 'UNKNOWN';
  return taken.length > 0 ? 'SENT' : undefined;
}

/** What a multi-part message's parts add up to: any FAILED, else all DELIVERED, else … */
export function partsStatus(parts: readonly (DeliveryStatus | undefined)[]): DeliveryStatus {
  if (parts.includes('FAILED')) return 'FAILED';
  if (parts.every((status) => status === 'DELIVERED')) return 'DELIVERED';
  if (parts.every((status) => status !== undefined && status !== 'SENT')) return 'UNKNOWN';
  return 'SENT';
}

/** The status the message must end in when its receipts are taken in `order`. */
export function expectedStatus(set: ReceiptSet, order: Arrival): DeliveryStatus {
  const taken = order.map((index) => set.receipts[index]!);
  if (set.parts === undefined) return partStatus(taken.map((r) => r.status)) ?? 'SENT';

  const parts = Array.from({ length: set.parts }, (_, i) =>
    partStatus(taken.filter((r) => r.part === i + 1).map((r) => r.status)),
  );
  return partsStatus(parts);
}
