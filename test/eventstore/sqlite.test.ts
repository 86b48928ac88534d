import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WrongExpectedRevisionError } from '../../src/errors.js';
import type { NewEvent } from '../../src/eventstore/event-store.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { describeEventStoreContract } from '../contracts/event-store.contract.js';

describeEventStoreContract('sqlite :memory:', async () => ({ store: new SqliteEventStore() }));

describeEventStoreContract('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-es-'));
  return {
    store: new SqliteEventStore({ filename: join(dir, 'events.db'), synchronous: 'normal' }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SQLite commit hooks', () => {
  const open = () => {
    const store = new SqliteEventStore();
    store.database.exec('CREATE TABLE seen (position INTEGER PRIMARY KEY, type TEXT NOT NULL)');
    const record = store.database.prepare('INSERT INTO seen (position, type) VALUES (?, ?)');
    const seen = () =>
      store.database.prepare('SELECT position, type FROM seen ORDER BY position').all();
    return { store, record, seen };
  };
  const event = (type: string): NewEvent => ({ id: randomUUID(), type, data: { type } });

  it('should commit what a hook writes with the events it was given, in their transaction', async () => {
    const { store, record, seen } = open();
    const given: string[][] = [];
    store.addCommitHook((appended) => {
      given.push(appended.map((e) => e.type));
      for (const e of appended) record.run(Number(e.position.commit), e.type);
      return undefined;
    });

    await Promise.all([
      store.append('s-1', [event('A'), event('B')]),
      store.append('s-2', [event('C')]),
    ]);

    expect(given).toEqual([['A', 'B', 'C']]);
    expect(seen()).toEqual([
      { position: 1, type: 'A' },
      { position: 2, type: 'B' },
      { position: 3, type: 'C' },
    ]);
    await store.close();
  });

  it('should undo what a failing hook wrote and still commit the events', async () => {
    const { store, record, seen } = open();
    store.addCommitHook((appended) => {
      record.run(Number(appended[0]!.position.commit), 'half');
      throw new Error('projection bug');
    });

    const result = await store.append('s-1', [event('A')]);

    expect(result.nextRevision).toBe(0);
    expect(seen()).toEqual([]);
    expect((await store.readStream('s-1')).map((e) => e.type)).toEqual(['A']);
    await store.close();
  });

  it('should fail the append, and keep out what every hook wrote, when a hook rolls back the whole transaction', async () => {
    const { store, record, seen } = open();
    // A trigger that rolls back everything stands in for a full disk or an I/O error.
    store.database.exec(`CREATE TABLE boom (x);
      CREATE TRIGGER boom_t BEFORE INSERT ON boom BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END;`);
    const boom = store.database.prepare('INSERT INTO boom VALUES (1)');
    let armed = true;
    store.addCommitHook(() => {
      if (armed) boom.run();
      return undefined;
    });
    store.addCommitHook((appended) => {
      for (const e of appended) record.run(Number(e.position.commit), e.type);
      return undefined;
    });

    await expect(store.append('s-1', [event('A')])).rejects.toThrow(/disk full/);
    expect(seen()).toEqual([]);
    expect(await store.readStream('s-1')).toEqual([]);

    armed = false;
    await store.append('s-1', [event('B')], { expectedRevision: 'no_stream' });
    expect(seen()).toEqual([{ position: 1, type: 'B' }]);
    await store.close();
  });

  it('should run the after-commit work before the append resolves, and not after removal', async () => {
    const { store } = open();
    const steps: string[] = [];
    const remove = store.addCommitHook(() => () => steps.push('committed'));

    await store.append('s-1', [event('A')]).then(() => steps.push('resolved'));
    remove();
    await store.append('s-1', [event('B')]).then(() => steps.push('resolved'));

    expect(steps).toEqual(['committed', 'resolved', 'resolved']);
    await store.close();
  });

  it('should not run hooks for an append that lost on its expected revision', async () => {
    const { store } = open();
    let calls = 0;
    store.addCommitHook(() => {
      calls++;
      return undefined;
    });
    await store.append('s-1', [event('A')]);

    await expect(
      store.append('s-1', [event('B')], { expectedRevision: 'no_stream' }),
    ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
    expect(calls).toBe(1);
    await store.close();
  });
});
