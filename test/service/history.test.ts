import { describe, expect, it } from 'vitest';
import { ok, ValidationError } from '../../src/index.js';
import {
  aReceipt,
  fakeProvider,
  MINUTE,
  recordOf,
  recordSend,
  SECOND,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

/** m-1: sent at T0 + 1 s, checked (no answer) at T0 + 30 s, delivered by receipt at T0 + 2 min. */
async function deliveredMessage() {
  const provider = fakeProvider('solapi', () => ok(null));
  const ledger = ledgers.open({ providers: [provider] });
  const { service, clock } = ledger;
  clock.set(T0 + SECOND);
  await recordSend(service, { messageId: 'm-1' });
  clock.set(T0 + 30 * SECOND);
  await service.runOnce();
  clock.set(T0 + 2 * MINUTE);
  await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));
  return ledger;
}

describe("a message's history", () => {
  it('should list its events in order, with when each happened and was stored', async () => {
    const startedAt = Date.now();
    const { service } = await deliveredMessage();

    const history = await service.history('m-1');

    expect(history.map((e) => [e.type, e.revision, e.occurredAt])).toEqual([
      ['SendRecorded', 0, new Date(T0 + SECOND)],
      ['CheckCompleted', 1, new Date(T0 + 30 * SECOND)],
      ['ReceiptReceived', 2, new Date(T0 + 2 * MINUTE)],
      ['StatusChanged', 3, new Date(T0 + 2 * MINUTE)],
    ]);
    const positions = history.map((e) => BigInt(e.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
    for (const entry of history) {
      expect(entry.recordedAt).toBeInstanceOf(Date);
      expect(entry.recordedAt.getTime()).toBeGreaterThanOrEqual(startedAt - 1);
    }
    expect(history[0]?.data).toMatchObject({
      messageId: 'm-1',
      providerMessageId: 'p-m-1',
      status: 'SENT',
      requestedAt: T0,
    });
    expect(history[3]?.data).toMatchObject({ from: 'SENT', to: 'DELIVERED', cause: 'receipt' });
  });

  it('should be empty for a message not tracked', async () => {
    const { service } = ledgers.open();

    expect(await service.history('never-sent')).toEqual([]);
  });

  it('should refuse a blank message id', async () => {
    const { service } = ledgers.open();

    await expect(service.history(' ')).rejects.toBeInstanceOf(ValidationError);
    await expect(service.getRecord('')).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'messageId',
    });
  });
});

describe('a record as it stood at a time', () => {
  it('should fold the events that had happened by then', async () => {
    const { service } = await deliveredMessage();

    expect(await service.recordAt('m-1', new Date(T0))).toBeUndefined();
    expect(await service.recordAt('m-1', new Date(T0 + SECOND))).toMatchObject({
      status: 'SENT',
      attemptCount: 0,
    });
    expect(await service.recordAt('m-1', new Date(T0 + MINUTE))).toMatchObject({
      status: 'SENT',
      attemptCount: 1,
      lastCheckedAt: new Date(T0 + 30 * SECOND),
    });
    expect(await service.recordAt('m-1', new Date(T0 + 2 * MINUTE))).toMatchObject({
      status: 'DELIVERED',
      deliveredAt: new Date(T0 + MINUTE),
    });
  });

  it('should be the current record when asked about now', async () => {
    const { service, clock } = await deliveredMessage();

    expect(await service.recordAt('m-1', new Date(clock.now()))).toStrictEqual(
      await recordOf(service, 'm-1'),
    );
  });

  it('should refuse a time that is no valid Date', async () => {
    const { service } = await deliveredMessage();

    await expect(service.recordAt('m-1', new Date('never'))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'at',
    });
    await expect(service.recordAt('m-1', T0 as unknown as Date)).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
