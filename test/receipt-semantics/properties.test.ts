import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import type { ReceiptOutcome } from '../../src/service/receipt-intake.js';
import { expectForwardOnly, receiptKeysOf } from './support/history-checks.js';
import {
  type Arrival,
  arrivalArb,
  arrivalWithSendArb,
  expectedStatus,
  type ReceiptSet,
  receiptSetArb,
  toReceipt,
} from './support/receipt-scenarios.js';
import { T0 } from './support/receipt-times.js';

/*
 * The receipt semantics as properties: random sets of one message's receipts (SENT, DELIVERED,
 * FAILED and UNKNOWN, with distinct times, for a message in one part or in up to three), each
 * receipt arriving one to three times, shuffled, with the send recorded before them or among
 * them.
 *
 * "Equivalent" arrivals bring the same set of distinct receipts, in any order, each any number
 * of times, with the send recorded at any point among them. As a final status is never left (UNKNOWN excepted, which
 * a later DELIVERED or FAILED settles), a message ends in the status of its first DELIVERED or
 * FAILED receipt to be taken; else UNKNOWN if it had an UNKNOWN one; else SENT. For a message in
 * parts that holds part by part, and the message is FAILED if a part is, DELIVERED if every part
 * is, UNKNOWN if every part ended otherwise, SENT until then. So the final status cannot depend
 * on the order when the DELIVERED and FAILED receipts of each part agree, and that is what the
 * order-independence property asks; for receipts that disagree, the model property asks for the
 * first to arrive, with the send recorded first.
 */

// On a SQLite file: the in-memory event store takes a second for each receipt that waited for
// its send (see in-memory-store.test.ts), far too slow for hundreds of runs.
const NUM_RUNS = 80;

const PHONE = '01055512345';

describe('receipts of one message in any order', () => {
  let service: DeliveryTrackingService;
  let dir: string;
  let messages = 0;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-receipt-properties-'));
    const filename = join(dir, 'ledger.db');
    service = new DeliveryTrackingService({
      now: () => T0,
      eventStore: new SqliteEventStore({ filename, synchronous: 'normal' }),
    });
  });
  afterAll(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Takes the set's receipts for a new message in the order of `arrival`, the send recorded
   * after the first `beforeSend` of them; gives the message and what became of each receipt.
   */
  async function play(set: ReceiptSet, arrival: Arrival, beforeSend = 0) {
    messages += 1;
    const messageId = `message-${messages}`;
    const providerMessageId = `pm-${messages}`;
    const outcomes: ReceiptOutcome[] = [];
    for (let i = 0; i <= arrival.length; i++) {
      if (i === beforeSend) {
        await service.recordSend(
          { messageId, timestamp: T0, options: { type: 'SMS', to: PHONE } },
          {
            messageId,
            providerId: 'property',
            providerMessageId,
            status: 'SENT',
            type: 'SMS',
            to: PHONE,
          },
        );
      }
      const receipt = set.receipts[arrival[i] ?? -1];
      if (receipt)
        outcomes.push(await service.ingestReceipt(toReceipt(set, receipt, providerMessageId)));
    }
    const history = await service.history(messageId);
    const status = (await service.getRecord(messageId))?.status;
    return { history, status, outcomes };
  }

  const agreeingSets = receiptSetArb({ agreeing: true }).chain((set) =>
    fc.record({
      set: fc.constant(set),
      one: arrivalWithSendArb(set.receipts.length),
      other: arrivalWithSendArb(set.receipts.length),
    }),
  );

  const anySets = receiptSetArb({ agreeing: false }).chain((set) =>
    fc.record({ set: fc.constant(set), taken: arrivalWithSendArb(set.receipts.length) }),
  );

  it('should end in the same status in any order when the final receipts agree', async () => {
    await fc.assert(
      fc.asyncProperty(agreeingSets, async ({ set, one, other }) => {
        const first = await play(set, one.arrival, one.beforeSend);
        const second = await play(set, other.arrival, other.beforeSend);

        const expected = expectedStatus(
          set,
          set.receipts.map((_, i) => i),
        );
        expect([first.status, second.status]).toEqual([expected, expected]);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('should end in the status of the first final receipt, with the send first', async () => {
    const sets = receiptSetArb({ agreeing: false }).chain((set) =>
      fc.record({ set: fc.constant(set), arrival: arrivalArb(set.receipts.length) }),
    );
    await fc.assert(
      fc.asyncProperty(sets, async ({ set, arrival }) => {
        const { status } = await play(set, arrival);

        expect(status).toBe(expectedStatus(set, arrival));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('should never move a status backwards in any history', async () => {
    await fc.assert(
      fc.asyncProperty(anySets, async ({ set, taken }) => {
        const { history, status } = await play(set, taken.arrival, taken.beforeSend);

        expect(expectForwardOnly(history)).toBe(status);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('should take each distinct receipt once, however often it comes', async () => {
    await fc.assert(
      fc.asyncProperty(anySets, async ({ set, taken }) => {
        const { arrival, beforeSend } = taken;
        const { history, outcomes } = await play(set, arrival, beforeSend);

        const keys = receiptKeysOf(history);
        expect(keys).toHaveLength(set.receipts.length);
        expect(new Set(keys).size).toBe(keys.length);
        const repeatsAfterTheSend = outcomes.filter(
          (_, i) => i >= beforeSend && arrival.indexOf(arrival[i]!) < i,
        );
        for (const repeat of repeatsAfterTheSend) {
          expect(repeat).toMatchObject({
            outcome: 'ignored',
            reason: 'duplicate receipt: already recorded',
          });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
