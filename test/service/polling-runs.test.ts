import { describe, expect, it } from 'vitest';
import { ServiceClosedError, SqliteEventStore } from '../../src/index.js';
import {
  aReceipt,
  eventually,
  fakeProvider,
  gate,
  HOUR,
  reached,
  recordOf,
  recordSend,
  recordSends,
  SECOND,
  settle,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

/** A provider that keeps each question open a moment and counts how many are open at once. */
function slowProvider() {
  let inFlight = 0;
  const seen = { most: 0 };
  const provider = fakeProvider('solapi', async (query) => {
    inFlight++;
    seen.most = Math.max(seen.most, inFlight);
    await new Promise((resolve) => setTimeout(resolve, 2));
    inFlight--;
    return reached(query, 'DELIVERED');
  });
  return { provider, seen };
}

describe('one polling run', () => {
  it('should check at most batchSize due messages, the earliest due first', async () => {
    const { provider } = slowProvider();
    const { service, clock } = ledgers.open({
      providers: [provider],
      polling: { batchSize: 3 },
    });
    for (const i of [4, 0, 6, 2, 5, 1, 3]) {
      await recordSend(service, { messageId: `m-${i}`, timestamp: T0 + i * SECOND });
    }
    clock.set(T0 + HOUR);

    const runs = [await service.runOnce(), await service.runOnce(), await service.runOnce()];

    expect(runs.map((run) => run.checked)).toEqual([3, 3, 1]);
    expect(provider.calls.map((query) => query.providerMessageId)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => `p-m-${i}`),
    );
  });

  it.each([
    [3, 10],
    [10, 25],
  ])('should ask the provider about at most %i messages at once', async (concurrency, count) => {
    const { provider, seen } = slowProvider();
    const { service, clock } = ledgers.open({ providers: [provider], polling: { concurrency } });
    await recordSends(service, count);
    clock.set(T0 + HOUR);

    expect(await service.runOnce()).toEqual({ checked: count, changed: count, failed: 0 });

    expect(seen.most).toBe(concurrency);
    expect(provider.calls).toHaveLength(count);
  });

  it('should go on with the rest of the batch when the provider throws or hangs', async () => {
    const provider = fakeProvider('solapi', (query) => {
      if (query.providerMessageId === 'p-m-1') return new Promise(() => {});
      if (query.providerMessageId === 'p-m-3') throw new Error('boom');
      return reached(query, 'DELIVERED');
    });
    const { service, clock } = ledgers.open({
      providers: [provider],
      polling: { requestTimeoutMs: 50, concurrency: 1 },
    });
    const ids = await recordSends(service, 5);
    clock.set(T0 + HOUR);

    expect(await service.runOnce()).toEqual({ checked: 5, changed: 3, failed: 0 });

    const records = await Promise.all(ids.map((id) => recordOf(service, id)));
    expect(records.map((r) => [r.status, r.lastError?.code])).toEqual([
      ['DELIVERED', undefined],
      ['SENT', 'NETWORK_TIMEOUT'],
      ['DELIVERED', undefined],
      ['SENT', 'PROVIDER_ERROR'],
      ['DELIVERED', undefined],
    ]);
  });

  it('should be shared by calls made while it is in flight', async () => {
    const answers = gate();
    const provider = fakeProvider('solapi', async (query) => {
      await answers.opened;
      return reached(query, 'DELIVERED');
    });
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSends(service, 2);
    clock.set(T0 + HOUR);

    const first = service.runOnce();
    const second = service.runOnce();
    await eventually(async () => expect(provider.calls).toHaveLength(2));
    const third = service.runOnce();
    answers.open();

    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(await first).toEqual({ checked: 2, changed: 2, failed: 0 });
    expect(provider.calls).toHaveLength(2);
    expect(await service.runOnce()).toEqual({ checked: 0, changed: 0, failed: 0 });
  });
});

describe('reading a batch of due messages', () => {
  /** A service restarted on a file holding `count` sends: nothing of them is cached. */
  async function restarted(count: number, store: (file: string) => SqliteEventStore) {
    const file = ledgers.newFile();
    const first = ledgers.open({ file, eventStore: new SqliteEventStore({ filename: file }) });
    const ids = await recordSends(first.service, count);
    await first.service.close();
    const provider = fakeProvider('solapi', (query) => reached(query, 'DELIVERED'));
    const eventStore = store(file);
    const ledger = ledgers.open({ file, eventStore, providers: [provider] });
    ledger.clock.set(T0 + HOUR);
    return { ...ledger, ids, eventStore };
  }

  it('should read the streams of the batch a few at a time, not one a check', async () => {
    let reads = 0;
    const { service, ids } = await restarted(5, (filename) => {
      const store = new SqliteEventStore({ filename });
      const readStream = store.readStream.bind(store);
      store.readStream = (...args) => {
        reads++;
        return readStream(...args);
      };
      return store;
    });

    expect(await service.runOnce()).toEqual({ checked: 5, changed: 5, failed: 0 });

    expect(reads).toBe(0);
    const records = await Promise.all(ids.map((id) => recordOf(service, id)));
    expect(records.map((r) => r.status)).toEqual(Array(5).fill('DELIVERED'));
  });

  it('should check each message on its own when reading them at once fails', async () => {
    const { service, ids } = await restarted(3, (filename) => {
      const store = new SqliteEventStore({ filename });
      store.readStreams = async () => {
        throw new Error('disk I/O error');
      };
      return store;
    });

    expect(await service.runOnce()).toEqual({ checked: 3, changed: 3, failed: 0 });

    const records = await Promise.all(ids.map((id) => recordOf(service, id)));
    expect(records.map((r) => r.status)).toEqual(['DELIVERED', 'DELIVERED', 'DELIVERED']);
  });
});

describe('closing the service', () => {
  it('should wait for the run in flight and start no further checks', async () => {
    const answers = gate();
    const provider = fakeProvider('solapi', async (query) => {
      await answers.opened;
      return reached(query, 'DELIVERED');
    });
    const ledger = ledgers.open({ providers: [provider], polling: { concurrency: 1 } });
    await recordSends(ledger.service, 3);
    ledger.clock.set(T0 + HOUR);

    const run = ledger.service.runOnce();
    await eventually(async () => expect(provider.calls).toHaveLength(1));
    let closed = false;
    const closing = ledger.service.close().then(() => {
      closed = true;
    });
    await settle();
    expect(closed).toBe(false);

    answers.open();
    await closing;
    expect(await run).toEqual({ checked: 1, changed: 1, failed: 0 });
    expect(provider.calls).toHaveLength(1);

    const { service } = ledgers.open({ file: ledger.file });
    const records = await service.listRecords({ limit: 10, orderDirection: 'asc' });
    expect(records.map((r) => [r.messageId, r.status])).toEqual([
      ['m-0', 'DELIVERED'],
      ['m-1', 'SENT'],
      ['m-2', 'SENT'],
    ]);
  });

  it('should not begin a check whose streams were still being read when it began', async () => {
    const file = ledgers.newFile();
    const setup = ledgers.open({ file, eventStore: new SqliteEventStore({ filename: file }) });
    await recordSends(setup.service, 3); // at concurrency 1, read two at a time: [m-0, m-1], [m-2]
    await setup.service.close();
    const store = new SqliteEventStore({ filename: file });
    const readStreams = store.readStreams.bind(store);
    const secondRead = gate();
    const release = gate();
    let reads = 0;
    store.readStreams = async (ids) => {
      if (++reads === 2) {
        secondRead.open();
        await release.opened;
      }
      return readStreams(ids);
    };
    const provider = fakeProvider('solapi', (query) => reached(query, 'DELIVERED'));
    const { service, clock } = ledgers.open({
      file,
      eventStore: store,
      providers: [provider],
      polling: { concurrency: 1 },
    });
    clock.set(T0 + HOUR);

    const run = service.runOnce();
    await secondRead.opened;
    const closed = service.close();
    release.open();
    await closed;

    expect(await run).toEqual({ checked: 2, changed: 2, failed: 0 });
    expect(provider.calls.map((q) => q.providerMessageId)).toEqual(['p-m-0', 'p-m-1']);
    const reopened = ledgers.open({ file, eventStore: new SqliteEventStore({ filename: file }) });
    expect((await recordOf(reopened.service, 'm-2')).status).toBe('SENT');
  });

  // Bug in src: close() waits for a polling run but not for a command in flight. A recordSend
  // whose append is flushed while the stores close is stored, then waits in
  // RecordsProjection.waitFor for a projection that has stopped: its promise never settles.
  it('should settle a command that was in flight when it closed', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-0' });

    const inFlight = recordSend(service, { messageId: 'm-1' }).then(
      () => 'resolved',
      (error: unknown) => error,
    );
    await service.close();
    const pending = new Promise((resolve) => setTimeout(() => resolve('pending'), 100));

    expect(await Promise.race([inFlight, pending])).not.toBe('pending');
  });

  it('should refuse commands afterwards and run nothing', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    await service.close();

    expect(await service.runOnce()).toEqual({ checked: 0, changed: 0, failed: 0 });
    await expect(service.getRecord('m-1')).rejects.toBeInstanceOf(ServiceClosedError);
    await expect(recordSend(service, { messageId: 'm-2' })).rejects.toMatchObject({
      code: 'SERVICE_CLOSED',
    });
  });
});

describe('a due message written by another process during the run, before its check', () => {
  it('should be checked from its stream as it is shortly before its check', async () => {
    const file = ledgers.newFile();
    const setup = ledgers.open({ file });
    await recordSends(setup.service, 5);
    await setup.service.close();

    const other = ledgers.open({ file });
    const provider = fakeProvider('solapi', async (query, call) => {
      // while m-0 is asked about, the other process takes a final receipt for m-4
      if (call === 1) await other.service.ingestReceipt(aReceipt('p-m-4', 'DELIVERED'));
      return reached(query, 'FAILED');
    });
    const { service, clock } = ledgers.open({
      file,
      providers: [provider],
      polling: { concurrency: 1 },
    });
    clock.set(T0 + HOUR);

    expect(await service.runOnce()).toEqual({ checked: 5, changed: 4, failed: 0 });

    expect((await recordOf(service, 'm-4')).status).toBe('DELIVERED');
    expect(provider.calls.map((q) => q.providerMessageId)).not.toContain('p-m-4');
    expect((await service.history('m-4')).map((e) => e.type)).toEqual([
      'SendRecorded',
      'ReceiptReceived',
      'StatusChanged',
    ]);
  });
});

describe('a check that settles late a message that ended UNKNOWN while it asked', () => {
  it('should count as a change', async () => {
    const answers = gate();
    const provider = fakeProvider('solapi', async (query) => {
      await answers.opened;
      return reached(query, 'DELIVERED');
    });
    const { service, clock } = ledgers.open({ providers: [provider], polling: { concurrency: 1 } });
    await recordSend(service, { messageId: 'm-0' });
    clock.set(T0 + HOUR);

    const run = service.runOnce();
    await eventually(async () => expect(provider.calls).toHaveLength(1));
    await service.ingestReceipt(aReceipt('p-m-0', 'UNKNOWN'));
    answers.open();

    expect(await run).toEqual({ checked: 1, changed: 1, failed: 0 });
    expect((await service.history('m-0')).at(-1)).toMatchObject({
      type: 'StatusSettledLate',
      data: { from: 'UNKNOWN', to: 'DELIVERED', cause: 'check' },
    });
    expect((await recordOf(service, 'm-0')).status).toBe('DELIVERED');
  });
});
