import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../errors.js';
import type { EventStore } from '../eventstore/event-store.js';
import type { EventStoreDbEventStore } from '../eventstore/eventstoredb.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import type { ProjectionStore } from '../projections/projection-store.js';
import { SqliteProjectionStore } from '../projections/sqlite-store.js';
import type { StoreOptions } from './store-options.js';
import { UsageError } from './usage-error.js';

/** The stores the options name, and where they are, for the log. */
export interface OpenedStores {
  readonly eventStore: EventStore;
  /** Absent beside a SQLite event store: the service keeps the projections in the same file. */
  readonly projectionStore?: ProjectionStore;
  /** Where the events and projections are: file names and hosts, never a password. */
  readonly where: Readonly<Record<string, string>>;
}

/**
 * Opens the events in EventStoreDB with `eventstore`, and the projections in the SQLite file
 * `db`; otherwise both in `db`.
 * @param create whether a SQLite database that is not there may be made (for `serve`); the
 *   other commands refuse to read a file that does not exist
 * @throws UsageError for a connection string or a database file that is wrong
 */
export async function openStores(options: StoreOptions, create: boolean): Promise<OpenedStores> {
  if (options.eventstore === undefined) {
    const filename = databaseFile(options.db, create);
    return { eventStore: new SqliteEventStore({ filename }), where: { db: filename } };
  }

  const { eventStore, endpoint } = await openEventStoreDb(options.eventstore);
  try {
    const filename = databaseFile(options.db, true);
    return {
      eventStore,
      projectionStore: new SqliteProjectionStore({ filename }),
      where: { eventstore: endpoint, projections: filename },
    };
  } catch (error) {
    await eventStore.close();
    throw error;
  }
}

const ESDB_SCHEME = /^esdb(\+discover)?:\/\//i;

async function openEventStoreDb(
  connectionString: string,
): Promise<{ eventStore: EventStoreDbEventStore; endpoint: string }> {
  // The string is never repeated in a message: it may hold a password.
  const expected = 'expected an EventStoreDB connection string such as esdb://host:2113?tls=false';
  const text = connectionString.trim();
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text);
  if (scheme === null || !ESDB_SCHEME.test(text)) {
    const got = scheme === null ? 'no scheme' : `a ${scheme[1]}:// URL`;
    throw new UsageError(`--eventstore: ${expected}, got ${got}`);
  }
  if (text.length === scheme[0].length) {
    throw new UsageError(`--eventstore: ${expected}, got no host after ${scheme[0]}`);
  }

  // The client (gRPC) takes a while to load: only the commands given --eventstore load it.
  const [{ EventStoreDbEventStore }, { describeEndpoint }] = await Promise.all([
    import('../eventstore/eventstoredb.js'),
    import('../eventstore/eventstoredb-errors.js'),
  ]);
  let eventStore: EventStoreDbEventStore;
  try {
    eventStore = new EventStoreDbEventStore({ connectionString: text, timeoutMs: 10_000 });
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new UsageError(`--eventstore: ${expected}, got one the client cannot read`);
    }
    throw error;
  }
  // Reach the node once before anything else, so that one that is not there is said at once,
  // in one line, rather than as a start-up that waits on its subscriptions.
  try {
    await eventStore.headPosition();
  } catch (error) {
    await eventStore.close();
    throw error;
  }
  return { eventStore, endpoint: describeEndpoint(text) };
}

/**
 * The database file's absolute path. With `create`, its directory is made if missing; without
 * it, a file that is not there is a mistake in `--db`.
 */
function databaseFile(db: string, create: boolean): string {
  if (db === ':memory:') return db;
  const filename = resolve(db);
  if (create) {
    mkdirSync(dirname(filename), { recursive: true });
  } else if (!existsSync(filename)) {
    throw new UsageError(`--db: no database at ${filename} (serve makes it on its first run)`);
  }
  return filename;
}
