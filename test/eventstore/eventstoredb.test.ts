import { randomUUID } from 'node:crypto';
import { EventStoreDBClient } from '@eventstore/db-client';
import { afterEach, describe, expect, it } from 'vitest';
import { EventTooLargeError, ValidationError } from '../../src/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/eventstore/event-store.js';
import { EventStoreDbEventStore } from '../../src/eventstore/eventstoredb.js';
import { describeEventStoreContract } from '../contracts/event-store.contract.js';
import { EsdbTestServer } from '../support/esdb-server/index.js';

function event(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data };
}

const configurations = [
  { name: 'BatchAppend advertised', batchAppend: true, appendMethod: 'BatchAppend' },
  { name: 'plain Append only', batchAppend: false, appendMethod: 'Append' },
] as const;

for (const { name, batchAppend } of configurations) {
  describeEventStoreContract(`EventStoreDB (test server, ${name})`, async () => {
    const server = new EsdbTestServer({ batchAppend });
    await server.start();
    return {
      store: new EventStoreDbEventStore({ connectionString: server.connectionString }),
      dispose: () => server.stop(),
    };
  });
}

const realServer = process.env.EVENTSTORE_URL;
if (realServer) {
  describeEventStoreContract('EventStoreDB (EVENTSTORE_URL)', async () => ({
    store: new EventStoreDbEventStore({ connectionString: realServer }),
  }));
}

describe.each(configurations)('EventStoreDB specifics ($name)', (configuration) => {
  let server: EsdbTestServer;
  let store: EventStoreDbEventStore;

  async function open(options: { maxAppendSize?: number } = {}) {
    server = new EsdbTestServer({ batchAppend: configuration.batchAppend, ...options });
    await server.start();
    store = new EventStoreDbEventStore({ connectionString: server.connectionString });
  }

  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it(`should append through Streams.${configuration.appendMethod}`, async () => {
    await open();

    await store.append('delivery-1', [event('SendRecorded')], { expectedRevision: 'no_stream' });

    expect(server.calls.get(configuration.appendMethod)).toBe(1);
    const other = configuration.batchAppend ? 'Append' : 'BatchAppend';
    expect(server.calls.get(other)).toBeUndefined();
  });

  it('should refuse an append over the server limit as too large, writing nothing', async () => {
    await open({ maxAppendSize: 3000 });
    const events = [1, 2, 3].map((n) => event('Bulky', { n, raw: 'x'.repeat(1200) }));

    const append = store.append('delivery-2', events);

    await expect(append).rejects.toBeInstanceOf(EventTooLargeError);
    await expect(append).rejects.toMatchObject({ code: 'EVENT_TOO_LARGE' });
    expect(await store.readStream('delivery-2')).toEqual([]);
  });

  it("should leave the server's own events out of the global log", async () => {
    await open();
    await store.append('delivery-3', [event('SendRecorded')]);
    await store.deleteStream('delivery-3');
    await store.append('delivery-4', [event('StatusChanged')]);

    const all = await store.readAll();

    expect(server.log.records.some((r) => r.streamId.startsWith('$'))).toBe(true);
    expect(all.map((e) => [e.streamId, e.type])).toEqual([['delivery-4', 'StatusChanged']]);
    const head = await store.headPosition();
    expect(head).toEqual(all[0]!.position);
  });

  it('should recreate a deleted stream with revisions after the deleted ones', async () => {
    await open();
    await store.append('delivery-5', [event('A'), event('B')]);
    await store.deleteStream('delivery-5');

    const result = await store.append('delivery-5', [event('C')], {
      expectedRevision: 'no_stream',
    });

    expect(result.nextRevision).toBe(2);
    const events = await store.readStream('delivery-5');
    expect(events.map((e) => [e.type, e.revision])).toEqual([['C', 2]]);
    const all = await store.readAll({ filter: { streamPrefixes: ['delivery-5'] } });
    expect(all.map((e) => e.type)).toEqual(['C']);
  });

  it('should treat deleting a missing stream as done', async () => {
    await open();

    await store.deleteStream('delivery-never');

    expect(await store.readStream('delivery-never')).toEqual([]);
  });

  it('should say it has caught up only after handing over every past event', async () => {
    await open();
    const past = Array.from({ length: 1500 }, (_, n) => event('Past', { n }));
    await store.append('delivery-6', past.slice(0, 750));
    await store.append('delivery-7', past.slice(750));
    const seen: RecordedEvent[] = [];
    const batches: number[] = [];
    let seenAtCaughtUp = -1;

    const subscription = store.subscribeToAll(
      {
        onEvents: async (events) => {
          batches.push(events.length);
          await new Promise((resolve) => setTimeout(resolve, 1));
          seen.push(...events);
        },
        onCaughtUp: () => {
          seenAtCaughtUp = seen.length;
        },
      },
      { filter: { streamPrefixes: ['delivery-'] } },
    );
    await subscription.caughtUp;
    await store.append('delivery-8', [event('Live')]);
    await waitFor(() => seen.length === 1501);
    await subscription.close();

    expect(seenAtCaughtUp).toBe(1500);
    expect(batches.length).toBeGreaterThan(1);
    expect(seen.map((e) => e.data.n ?? e.type)).toEqual([...past.map((_, n) => n), 'Live']);
  });
});

describe('EventStoreDB store setup', () => {
  it('should take exactly one of a connection string and a client', () => {
    const client = EventStoreDBClient.connectionString('esdb://127.0.0.1:2113?tls=false');

    expect(() => new EventStoreDbEventStore({})).toThrow(ValidationError);
    expect(
      () => new EventStoreDbEventStore({ client, connectionString: 'esdb://127.0.0.1:2113' }),
    ).toThrow(/got both/);
  });

  it('should refuse an unreadable connection string without repeating it', () => {
    const connectionString = 'http://admin:secret@127.0.0.1:2113';

    const attempt = () => new EventStoreDbEventStore({ connectionString });

    expect(attempt).toThrow(ValidationError);
    expect(attempt).not.toThrow(/secret/);
  });

  it("should leave a caller's client open on close", async () => {
    const server = new EsdbTestServer();
    await server.start();
    const client = EventStoreDBClient.connectionString(server.connectionString);
    const store = new EventStoreDbEventStore({ client });
    await store.append('delivery-1', [event('SendRecorded')]);

    await store.close();

    const read = client.readStream('delivery-1');
    const types: string[] = [];
    for await (const resolved of read) types.push(resolved.event!.type);
    expect(types).toEqual(['SendRecorded']);
    await expect(store.readStream('delivery-1')).rejects.toMatchObject({
      code: 'EVENT_STORE_UNAVAILABLE',
    });
    await client.dispose();
    await server.stop();
  });
});

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
