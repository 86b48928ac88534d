import { randomUUID } from 'node:crypto';
import { afterAll } from 'vitest';
import {
  type DeliveryTrackingServiceConfig,
  EventStoreDbEventStore,
  SqliteEventStore,
  SqliteProjectionStore,
} from '../../src/index.js';
import { EsdbTestServer } from '../support/esdb-server/index.js';
import { NamespacedEventStore } from '../support/namespaced-event-store.js';

/*
 * Which event store the service specifications run on. By default the
 * embedded SQLite store, in the test's file. With LEDGER_TEST_BACKEND=esdb,
 * EventStoreDB: the real server at EVENTSTORE_URL when it is set, otherwise
 * the in-process stand-in; each test file gets its own namespace of streams
 * on it, and the projections live in the test's SQLite file, as `serve`
 * keeps them.
 */
const backend = process.env.LEDGER_TEST_BACKEND === 'esdb' ? 'esdb' : 'sqlite';

let server: EsdbTestServer | undefined;
let connection: Promise<string> | undefined;
const namespaces = new Map<string, string>();

function connectionString(): Promise<string> {
  connection ??= (async () => {
    if (process.env.EVENTSTORE_URL) return process.env.EVENTSTORE_URL;
    server = new EsdbTestServer();
    await server.start();
    afterAll(async () => {
      await server?.stop();
    });
    return server.connectionString;
  })();
  return connection;
}

/** Starts the server the backend needs, if any; call before opening services. */
export async function prepareBackend(): Promise<void> {
  if (backend === 'esdb') await connectionString();
}

/** The stores for a service whose data lives at `file`. */
export function eventStoreFor(
  file: string,
): Pick<DeliveryTrackingServiceConfig, 'eventStore' | 'projectionStore'> {
  if (backend === 'sqlite') {
    return { eventStore: new SqliteEventStore({ filename: file, synchronous: 'normal' }) };
  }
  if (server === undefined && !process.env.EVENTSTORE_URL) {
    throw new Error(
      'call prepareBackend() in a beforeAll before opening a service on EventStoreDB',
    );
  }
  let namespace = namespaces.get(file);
  if (!namespace) {
    namespace = `t${randomUUID().slice(0, 8)}`;
    namespaces.set(file, namespace);
  }
  const connectionString = process.env.EVENTSTORE_URL ?? server!.connectionString;
  return {
    // A loaded machine (CI, suites side by side) can keep the stand-in busy for seconds.
    eventStore: new NamespacedEventStore(
      new EventStoreDbEventStore({ connectionString, timeoutMs: 30_000 }),
      namespace,
    ),
    projectionStore: new SqliteProjectionStore({ filename: file }),
  };
}

export const testBackend = backend;
