import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type DeliveryStatus, fail, isTerminal } from '../../src/index.js';
import {
  aReceipt,
  eventually,
  fakeProvider,
  gate,
  MINUTE,
  reached,
  recordOf,
  recordSend,
  SECOND,
  T0,
  useLedgers,
} from './support.js';
import { expectValidHistory } from './valid-history.js';

const ledgers = useLedgers();

const STATUSES: readonly DeliveryStatus[] = [
  'PENDING',
  'SENT',
  'DELIVERED',
  'FAILED',
  'CANCELLED',
  'UNKNOWN',
];

/** A service whose message m-1 ended UNKNOWN: its provider could not answer. */
async function unknownMessage() {
  const provider = fakeProvider('solapi', () => fail({ code: 'GONE', message: 'purged' }));
  const ledger = ledgers.open({ providers: [provider] });
  await recordSend(ledger.service, { messageId: 'm-1' });
  ledger.clock.set(T0 + 30 * SECOND);
  await ledger.service.runOnce();
  expect((await recordOf(ledger.service, 'm-1')).status).toBe('UNKNOWN');
  ledger.clock.set(T0 + 10 * MINUTE);
  return ledger;
}

describe('a report that would move a message backwards', () => {
  it('should be kept in history as not applied, with the reason', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });

    const outcome = await service.ingestReceipt(aReceipt('p-m-1', 'PENDING'));

    const reason = 'PENDING would move the message back from SENT';
    expect(outcome).toEqual({
      outcome: 'ignored',
      reason: `kept in history, not applied: ${reason}`,
      messageId: 'm-1',
      status: 'SENT',
    });
    expect((await service.history('m-1')).at(-1)).toMatchObject({
      type: 'ReceiptReceived',
      data: { disposition: 'not-applied', reason, observation: { status: 'PENDING' } },
    });
    expect((await recordOf(service, 'm-1')).status).toBe('SENT');
  });

  it("should be kept as not applied when it is the provider's answer to a check", async () => {
    const provider = fakeProvider('solapi', (query) => reached(query, 'PENDING'));
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });

    clock.set(T0 + 30 * SECOND);
    expect(await service.runOnce()).toEqual({ checked: 1, changed: 0, failed: 0 });

    expect((await service.history('m-1')).at(-1)).toMatchObject({
      type: 'CheckCompleted',
      data: { disposition: 'not-applied', reason: 'PENDING would move the message back from SENT' },
    });
    expect(await recordOf(service, 'm-1')).toMatchObject({ status: 'SENT', attemptCount: 1 });
  });

  it('should keep a final receipt that came while the provider was being asked', async () => {
    const answers = gate();
    const provider = fakeProvider('solapi', async (query) => {
      await answers.opened;
      return reached(query, 'FAILED', { statusCode: '3059' });
    });
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });
    clock.set(T0 + 30 * SECOND);

    const run = service.runOnce();
    await eventually(async () => expect(provider.calls).toHaveLength(1));
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));
    answers.open();
    await run;

    const history = await service.history('m-1');
    expectValidHistory(history);
    expect(history.at(-1)).toMatchObject({
      type: 'CheckCompleted',
      data: { disposition: 'not-applied', result: { observation: { status: 'FAILED' } } },
    });
    expect((await recordOf(service, 'm-1')).status).toBe('DELIVERED');
  });

  it.each(['FAILED', 'CANCELLED', 'UNKNOWN', 'SENT'] as const)(
    'should not move a DELIVERED message to %s',
    async (status) => {
      const { service } = ledgers.open();
      await recordSend(service, { messageId: 'm-1' });
      await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));

      const outcome = await service.ingestReceipt(
        aReceipt('p-m-1', status, { occurredAt: new Date(T0 + 2 * MINUTE) }),
      );

      const reason = `the message is already DELIVERED, a final status; ${status} came after it`;
      expect(outcome).toMatchObject({
        outcome: 'ignored',
        reason: `kept in history, not applied: ${reason}`,
        status: 'DELIVERED',
      });
      expect((await recordOf(service, 'm-1')).status).toBe('DELIVERED');
    },
  );
});

describe('a message that ended UNKNOWN', () => {
  it.each(['DELIVERED', 'FAILED'] as const)(
    'should be settled late by a %s receipt',
    async (status) => {
      const { service } = await unknownMessage();

      const outcome = await service.ingestReceipt(aReceipt('p-m-1', status));

      expect(outcome).toEqual({ outcome: 'applied', messageId: 'm-1', status });
      expect((await service.history('m-1')).at(-1)).toMatchObject({
        type: 'StatusSettledLate',
        data: { from: 'UNKNOWN', to: status, cause: 'receipt', changedAt: T0 + 10 * MINUTE },
      });
      expect(await recordOf(service, 'm-1')).toMatchObject({
        status,
        statusUpdatedAt: new Date(T0 + 10 * MINUTE),
      });
    },
  );

  it.each(['SENT', 'CANCELLED', 'PENDING'] as const)(
    'should not be settled by a %s receipt',
    async (status) => {
      const { service } = await unknownMessage();

      const outcome = await service.ingestReceipt(aReceipt('p-m-1', status));

      expect(outcome).toMatchObject({ outcome: 'ignored', status: 'UNKNOWN' });
      expect(outcome.reason).toContain('only DELIVERED or FAILED can settle it');
    },
  );

  it('should be settled once: a later FAILED does not undo a late DELIVERED', async () => {
    const { service } = await unknownMessage();
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));

    const outcome = await service.ingestReceipt(
      aReceipt('p-m-1', 'FAILED', { occurredAt: new Date(T0 + 3 * MINUTE) }),
    );

    expect(outcome).toMatchObject({ outcome: 'ignored', status: 'DELIVERED' });
    const types = (await service.history('m-1')).map((e) => e.type);
    expect(types.filter((type) => type === 'StatusSettledLate')).toHaveLength(1);
  });
});

describe('any sequence of reports', () => {
  it('should leave a valid history and the first final status reached', async () => {
    const { service, clock } = ledgers.open();
    let sent = 0;

    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom(...STATUSES), { maxLength: 8 }),
        async (reports) => {
          const messageId = `m-${sent++}`;
          await recordSend(service, { messageId });

          let expected: DeliveryStatus = 'SENT';
          for (const [i, status] of reports.entries()) {
            clock.advance(SECOND);
            const occurredAt = new Date(T0 + i * SECOND);
            await service.ingestReceipt(aReceipt(`p-${messageId}`, status, { occurredAt }));
            expected = nextStatus(expected, status);
          }

          expectValidHistory(await service.history(messageId));
          expect((await recordOf(service, messageId)).status).toBe(expected);
        },
      ),
      { numRuns: 25 },
    );
  });
});

/** The status rules, written out plainly. */
function nextStatus(current: DeliveryStatus, reported: DeliveryStatus): DeliveryStatus {
  if (current === 'UNKNOWN')
    return reported === 'DELIVERED' || reported === 'FAILED' ? reported : current;
  if (isTerminal(current)) return current;
  if (current === 'SENT' && reported === 'PENDING') return current;
  return reported;
}
