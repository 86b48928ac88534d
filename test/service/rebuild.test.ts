import { describe, expect, it } from 'vitest';
import type { RebuildProgress, StatusChange } from '../../src/index.js';
import { testBackend } from './backend.js';
import { failoverOf } from './failover-support.js';
import { allRecords, expectRecordsMatchHistories, mixedHistory } from './mixed-history.js';
import {
  aReceipt,
  HOUR,
  type Ledger,
  MINUTE,
  recordOf,
  recordSend,
  recordSends,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

async function eventCount(ledger: Ledger): Promise<number> {
  let count = 0;
  for (const record of await allRecords(ledger.service)) {
    count += (await ledger.service.history(record.messageId)).length;
  }
  return count;
}

describe('rebuilding the projections', () => {
  it('should give the very records there were before', async () => {
    const ledger = await mixedHistory(ledgers);
    const before = await allRecords(ledger.service);
    const progress: RebuildProgress[] = [];

    const result = await ledger.service.rebuildProjections((p) => progress.push(p));

    expect(await allRecords(ledger.service)).toStrictEqual(before);
    const events = await eventCount(ledger);
    // Only stores that count their events cheaply (not EventStoreDB) give a total.
    expect(result).toEqual(
      testBackend === 'sqlite' ? { applied: events, total: events } : { applied: events },
    );
    expect(progress.at(-1)).toEqual(result);
    await expectRecordsMatchHistories(ledger.service);
  });

  it('should give the very records there were before, holding only a few rows at a time', async () => {
    const ledger = await mixedHistory(ledgers);
    const before = await allRecords(ledger.service);

    await ledger.service.rebuildProjections({ bufferRows: 3 });

    expect(await allRecords(ledger.service)).toStrictEqual(before);
  });

  it('should refuse options it cannot use, and change nothing', async () => {
    const ledger = await mixedHistory(ledgers);
    const before = await allRecords(ledger.service);

    for (const bufferRows of [0, -1, 1.5, Number.NaN]) {
      await expect(ledger.service.rebuildProjections({ bufferRows })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        path: 'bufferRows',
      });
    }
    await expect(
      ledger.service.rebuildProjections({ onProgress: 'yes' as never }),
    ).rejects.toMatchObject({ path: 'onProgress' });
    expect(await allRecords(ledger.service)).toStrictEqual(before);
  });

  it('should cover a mix of every kind of message', async () => {
    const { service } = await mixedHistory(ledgers);

    const records = await allRecords(service);
    const statuses = new Set(records.map((record) => record.status));
    expect([...statuses].sort()).toEqual(['DELIVERED', 'FAILED', 'PENDING', 'SENT', 'UNKNOWN']);
    const outcomes = records.map((record) => failoverOf(record)?.apiAttempt.outcome);
    expect(outcomes.filter((outcome) => outcome === 'sent')).toHaveLength(5);
  });

  it('should publish no status change again', async () => {
    const { service } = await mixedHistory(ledgers);
    const changes: StatusChange[] = [];
    const subscription = service.statusChanges().subscribe((change) => changes.push(change));

    await service.rebuildProjections();
    await service.ingestReceipt(aReceipt('p-slow-3', 'FAILED'));
    await service.ingestReceipt(aReceipt('p-later', 'DELIVERED'));

    expect(changes.map((c) => `${c.messageId}:${c.status}`)).toEqual(['later:DELIVERED']);
    subscription.unsubscribe();
  });

  it('should keep due checks: polling goes on after it', async () => {
    const ledger = await mixedHistory(ledgers);
    const { service, clock } = ledger;
    const due = (await allRecords(service)).filter(
      (r) => r.status === 'SENT' || r.status === 'PENDING',
    );

    await service.rebuildProjections();
    clock.set(T0 + 30 * HOUR);
    const run = await service.runOnce();

    expect(run.checked).toBe(due.length);
    for (const record of due) {
      expect((await recordOf(service, record.messageId)).status).toBe('UNKNOWN');
    }
  });

  it('should lose none of the sends and receipts that arrive while it runs', async () => {
    const ledger = await mixedHistory(ledgers);
    const { service, clock } = ledger;
    await recordSends(service, 1100);
    clock.set(T0 + 2 * MINUTE);

    const arriving = Array.from({ length: 300 }, (_, i) => `new-${i}`);
    const [progress] = await Promise.all([
      service.rebuildProjections(),
      ...arriving.map(async (messageId, i) => {
        await recordSend(service, { messageId });
        if (i % 3 === 0) await service.ingestReceipt(aReceipt(`p-${messageId}`, 'DELIVERED'));
        if (i % 5 === 0) await service.ingestReceipt(aReceipt(`p-m-${i}`, 'FAILED'));
      }),
    ]);

    expect(progress.applied).toBeGreaterThan(1100);
    expect(await service.countRecords()).toBe(14 + 1100 + 300);
    expect(await service.countRecords({ messageId: arriving, status: 'DELIVERED' })).toBe(100);
    expect(await service.countRecords({ providerMessageId: 'p-m-0', status: 'FAILED' })).toBe(1);
    await expectRecordsMatchHistories(service);

    const before = await allRecords(service);
    await service.rebuildProjections();
    expect(await allRecords(service)).toStrictEqual(before);
  });

  it('should be repeatable, one rebuild after another', async () => {
    const { service } = await mixedHistory(ledgers);
    const before = await allRecords(service);

    await service.rebuildProjections();
    await recordSend(service, { messageId: 'between' });
    await service.rebuildProjections();

    const after = await allRecords(service);
    expect(after.filter((r) => r.messageId !== 'between')).toStrictEqual(before);
    expect((await recordOf(service, 'between')).status).toBe('SENT');
  });
});
