import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { SendToRecord } from '../../src/machines/commands.js';
import { resolvePolling } from '../../src/service/config.js';
import { MessageActors } from '../../src/service/message-actor.js';

const policy = resolvePolling({});
const send: SendToRecord = {
  messageId: 'm-1',
  providerId: 'solapi',
  providerMessageId: 'p-1',
  type: 'SMS',
  to: '01012345678',
  requestedAt: 1_000,
};
const record = { type: 'send.record', now: 5_000, policy, send } as const;

describe('message actors recording a send', () => {
  it('should record nothing when the same send was its first event and more followed', async () => {
    const store = new SqliteEventStore();
    const first = new MessageActors(store);
    await first.execute('m-1', record);
    await store.append('delivery-m-1', [{ id: randomUUID(), type: 'SomethingLater', data: {} }], {
      expectedRevision: 0,
    });

    // Another process, or this one after a restart: nothing cached, the same
    // send again in the same millisecond, so with the very same event ids.
    const again = new MessageActors(store);
    const outcome = await again.execute('m-1', record);

    expect(outcome.events).toEqual([]);
    expect((await again.load('m-1')).revision).toBe(1);
    expect((await store.readStream('delivery-m-1')).map((e) => e.type)).toEqual([
      'SendRecorded',
      'SomethingLater',
    ]);
    await store.close();
  });

  it('should keep the state and revision of a send that was new', async () => {
    const store = new SqliteEventStore();
    const actors = new MessageActors(store);

    const outcome = await actors.execute('m-1', record);

    expect(outcome.events.map((e) => e.type)).toEqual(['SendRecorded']);
    expect(await actors.load('m-1')).toMatchObject({ revision: 0, state: { status: 'SENT' } });
    await store.close();
  });
});

describe('message actors prefetching streams', () => {
  /** Messages recorded by one set of actors, read back by another with nothing cached. */
  async function recorded(ids: string[]) {
    const store = new SqliteEventStore();
    const writer = new MessageActors(store);
    for (const messageId of ids) {
      await writer.execute(messageId, { ...record, send: { ...send, messageId } });
    }
    let reads = 0;
    const readStream = store.readStream.bind(store);
    store.readStream = (...args) => {
      reads++;
      return readStream(...args);
    };
    return { store, reads: () => reads };
  }

  it('should load prefetched messages without reading their streams one by one', async () => {
    const { store, reads } = await recorded(['m-1', 'm-2', 'm-3']);
    const actors = new MessageActors(store);

    await actors.prefetch(['m-1', 'm-2', 'm-3', 'm-none']);
    const loaded = await Promise.all(['m-1', 'm-2', 'm-3'].map((id) => actors.load(id)));

    expect(loaded.map((m) => [m.state?.messageId, m.revision])).toEqual([
      ['m-1', 0],
      ['m-2', 0],
      ['m-3', 0],
    ]);
    expect(reads()).toBe(0);
    expect(await actors.load('m-none')).toEqual({ state: undefined, revision: -1 });
    expect(reads()).toBe(1);
    await store.close();
  });

  it('should keep no more than the cache holds, and read the rest when asked', async () => {
    const { store, reads } = await recorded(['m-1', 'm-2', 'm-3']);
    const actors = new MessageActors(store, 2);

    await actors.prefetch(['m-1', 'm-2', 'm-3']);
    await actors.load('m-1');
    await actors.load('m-2');
    expect(reads()).toBe(0);
    expect((await actors.load('m-3')).state?.messageId).toBe('m-3');
    expect(reads()).toBe(1);
    await store.close();
  });

  it('should not replace what a command cached meanwhile with its older read', async () => {
    const { store } = await recorded(['m-1']);
    const actors = new MessageActors(store);
    // EventStoreDB reads a batch a few dozen streams at a time: a command of
    // this process can land between the read and its folding.
    const readStreams = store.readStreams.bind(store);
    store.readStreams = async (ids) => {
      const read = await readStreams(ids);
      await actors.execute('m-1', {
        type: 'check.answered',
        now: 10_000,
        policy,
        observation: { status: 'DELIVERED' },
      });
      return read;
    };

    await actors.prefetch(['m-1']);

    const loaded = await actors.load('m-1');
    const stream = await store.readStream('delivery-m-1');
    expect(loaded.revision).toBe(stream.length - 1);
    expect(loaded.state?.status).toBe('DELIVERED');
    await store.close();
  });
});
