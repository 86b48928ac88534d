import {
  type EventStore,
  type ReadAllOptions,
  type RecordedEvent,
  SqliteEventStore,
  SqliteProjectionStore,
} from '../../src/index.js';

/** What to do around the next read of the global log: before it, or after it. */
export interface ReadAllHook {
  readonly when: 'before' | 'after';
  readonly run: () => Promise<void>;
}

/**
 * The SQLite event store, with a hook the test sets to act at the exact
 * moment a replay reads the log: to append while a replay is under way.
 */
export class HookedEventStore implements EventStore {
  readonly inner: SqliteEventStore;
  /** Runs once, around the next `readAll`. */
  nextReadAll: ReadAllHook | undefined;

  constructor(filename: string) {
    this.inner = new SqliteEventStore({ filename, synchronous: 'normal' });
  }

  /** The projection store a service on this store needs: the SQLite one in the same file. */
  projectionStore(): SqliteProjectionStore {
    return new SqliteProjectionStore({ database: this.inner.database });
  }

  async readAll(options?: ReadAllOptions): Promise<RecordedEvent[]> {
    const hook = this.nextReadAll;
    this.nextReadAll = undefined;
    if (hook?.when === 'before') await hook.run();
    const page = await this.inner.readAll(options);
    if (hook?.when === 'after') await hook.run();
    return page;
  }

  append: EventStore['append'] = (...args) => this.inner.append(...args);
  readStream: EventStore['readStream'] = (...args) => this.inner.readStream(...args);
  readStreams: NonNullable<EventStore['readStreams']> = (...args) =>
    this.inner.readStreams(...args);
  headPosition: EventStore['headPosition'] = (...args) => this.inner.headPosition(...args);
  subscribeToAll: EventStore['subscribeToAll'] = (...args) => this.inner.subscribeToAll(...args);
  deleteStream: EventStore['deleteStream'] = (...args) => this.inner.deleteStream(...args);
  close: EventStore['close'] = () => this.inner.close();
}
