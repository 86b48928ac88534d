import { describe, expect, it } from 'vitest';
import type { HistoryEntry, StatusChange } from '../../src/index.js';
import { allRecords, mixedConfig, mixedHistory, mixedProvider } from './mixed-history.js';
import { aReceipt, eventually, HOUR, type Ledger, recordOf, T0, useLedgers } from './support.js';

const ledgers = useLedgers();

async function histories(ledger: Ledger) {
  const all = new Map<string, HistoryEntry[]>();
  for (const record of await allRecords(ledger.service)) {
    all.set(record.messageId, await ledger.service.history(record.messageId));
  }
  return all;
}

/** Closes the ledger's service and opens another on its file, at the same time. */
async function restart(ledger: Ledger, provider = mixedProvider()) {
  await ledger.service.close();
  return ledgers.open({
    ...mixedConfig(),
    providers: [provider],
    file: ledger.file,
    clock: ledger.clock,
  });
}

describe('a service opened again on the same file', () => {
  it('should have the same records and the same histories', async () => {
    const before = await mixedHistory(ledgers);
    const records = await allRecords(before.service);
    const stories = await histories(before);

    const after = await restart(before);

    expect(await allRecords(after.service)).toStrictEqual(records);
    expect(await histories(after)).toStrictEqual(stories);
  });

  it('should go on polling the messages that are due, and only those', async () => {
    const before = await mixedHistory(ledgers);
    const open = (await allRecords(before.service)).filter(
      (r) => r.status === 'SENT' || r.status === 'PENDING',
    );
    const provider = mixedProvider();

    const { service, clock } = await restart(before, provider);
    clock.set(T0 + 3 * HOUR);
    await service.runOnce();

    const due = open.filter((r) => r.nextCheckAt.getTime() <= T0 + 3 * HOUR);
    expect(due.map((r) => r.messageId).sort()).toEqual(['later', 'sms-waiting']);
    expect(provider.calls.map((q) => q.providerMessageId).sort()).toEqual(
      due.map((r) => r.providerMessageId).sort(),
    );
    for (const record of due) {
      expect((await recordOf(service, record.messageId)).attemptCount).toBe(
        record.attemptCount + 1,
      );
    }
  });

  it('should still know a receipt it took before', async () => {
    const before = await mixedHistory(ledgers);

    const { service } = await restart(before);
    const outcome = await service.ingestReceipt(aReceipt('p-gone-2', 'FAILED'));

    expect(outcome).toMatchObject({
      outcome: 'ignored',
      reason: 'duplicate receipt: already recorded',
    });
  });

  it('should replay the same status changes', async () => {
    const before = await mixedHistory(ledgers);
    const replay = async (service: typeof before.service) => {
      const changes: StatusChange[] = [];
      const subscription = service
        .statusChanges({ from: 'start' })
        .subscribe((c) => changes.push(c));
      const count = (await allRecords(service)).length;
      await eventually(async () =>
        expect(changes.filter((c) => c.cause === 'send')).toHaveLength(count),
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
      subscription.unsubscribe();
      return changes;
    };
    const first = await replay(before.service);

    const after = await restart(before);

    expect(await replay(after.service)).toStrictEqual(first);
  });
});
