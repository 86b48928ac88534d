import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { EventStore } from '../src/index.js';
import { EventStoreDbEventStore, SqliteEventStore } from '../src/index.js';
import { EsdbTestServer } from '../test/support/esdb-server/index.js';
import { inParallel, type Row, tempDir } from './support.js';

const event = (i: number) => ({
  id: randomUUID(),
  type: 'CheckCompleted',
  data: {
    checkedAt: Date.now(),
    attempt: i,
    result: { kind: 'no-status' },
    nextCheckAt: Date.now(),
  },
  metadata: { schemaVersion: 1, occurredAt: Date.now(), correlationId: `m-${i}` },
});

/** Appends per second (64 appenders, one event each to its own stream) and catch-up reads per second. */
async function measure(store: EventStore, n: number): Promise<{ appends: number; reads: number }> {
  const run = randomUUID().slice(0, 8);
  const appendStart = performance.now();
  await inParallel(n, 64, (i) =>
    store.append(`delivery-${run}-${i}`, [event(i)], { expectedRevision: 'no_stream' }),
  );
  const appends = n / ((performance.now() - appendStart) / 1000);

  let seen = 0;
  const readStart = performance.now();
  const subscription = store.subscribeToAll(
    {
      onEvents: (events) => {
        seen += events.length;
      },
    },
    { filter: { streamPrefixes: [`delivery-${run}-`] } },
  );
  await subscription.caughtUp;
  const reads = seen / ((performance.now() - readStart) / 1000);
  await subscription.close();
  if (seen !== n) throw new Error(`caught up on ${seen} of ${n} events`);
  return { appends, reads };
}

export async function benchEventStores(n: number): Promise<Row[]> {
  const dir = tempDir();
  const server = new EsdbTestServer();
  await server.start();
  const sqlite = new SqliteEventStore({ filename: join(dir.path, 'events.db') });
  const esdb = new EventStoreDbEventStore({ connectionString: server.connectionString });
  try {
    const a = await measure(sqlite, n);
    const b = await measure(esdb, n);
    const note = 'our adapter + client vs an in-process stand-in server, not a real node';
    return [
      {
        measure: `SQLite event store appends/s (64 appenders, ${n} events)`,
        value: a.appends.toFixed(0),
        target: '',
      },
      { measure: 'SQLite event store catch-up events/s', value: a.reads.toFixed(0), target: '' },
      { measure: 'EventStoreDB adapter appends/s', value: b.appends.toFixed(0), target: note },
      {
        measure: 'EventStoreDB adapter catch-up events/s',
        value: b.reads.toFixed(0),
        target: note,
      },
    ];
  } finally {
    await esdb.close();
    await sqlite.close();
    await server.stop();
    dir.dispose();
  }
}
