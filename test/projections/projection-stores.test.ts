import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { position } from '../../src/eventstore/position.js';
import { InMemoryProjectionStore } from '../../src/projections/in-memory-store.js';
import { SqliteProjectionStore } from '../../src/projections/sqlite-store.js';
import { describeProjectionStoreContract, state } from '../contracts/projection-store.contract.js';

describeProjectionStoreContract('in-memory', async () => ({
  store: new InMemoryProjectionStore(),
}));

describeProjectionStoreContract('sqlite :memory:', async () => ({
  store: new SqliteProjectionStore(),
}));

describeProjectionStoreContract('sqlite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ledger-projection-'));
  return {
    store: new SqliteProjectionStore({ filename: join(dir, 'projections.db') }),
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SQLite projection writes on another connection to its file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should write rows the store reads, and follow the store onto a rebuilt copy', async () => {
    const file = join(dir, 'ledger.db');
    const store = new SqliteProjectionStore({ filename: file });
    const other = new Database(file);
    const writer = store.writerOn(other)!;

    expect(writer.commit({ upserts: [state('m-1')], checkpoint: position(1) })).toBe(true);
    expect((await store.get('m-1'))?.status).toBe('SENT');

    const rebuilt = await store.beginRebuild();
    await rebuilt.commit({ upserts: [state('m-1'), state('m-2')], checkpoint: position(2) });
    await rebuilt.swapIn();
    // The writer's table was dropped by the swap: it finds the new one.
    expect(writer.readCheckpoint()).toEqual(position(2));
    expect(
      writer.commit({
        upserts: [state('m-2', { status: 'DELIVERED' })],
        checkpoint: position(3),
        expectedCheckpoint: position(2),
      }),
    ).toBe(true);
    expect((await store.get('m-2'))?.status).toBe('DELIVERED');
    expect([...writer.getStates(['m-1', 'm-2']).keys()].sort()).toEqual(['m-1', 'm-2']);

    other.close();
    await store.close();
  });

  it('should refuse to swap in a rebuild when another one was swapped in meanwhile', async () => {
    const file = join(dir, 'ledger.db');
    const store = new SqliteProjectionStore({ filename: file });
    const other = new SqliteProjectionStore({ filename: file });
    await store.commit({ upserts: [state('m-1')], checkpoint: position(1) });

    const mine = await store.beginRebuild();
    const theirs = await other.beginRebuild();
    await theirs.commit({ upserts: [state('m-1'), state('m-2')], checkpoint: position(2) });
    await theirs.swapIn();

    await expect(mine.swapIn()).rejects.toMatchObject({ code: 'CONFLICT' });
    await mine.abandon();
    // Both built the same generation: the abandoned one must not drop the live copy.
    expect((await store.get('m-2'))?.messageId).toBe('m-2');
    expect(await store.readCheckpoint()).toEqual(position(2));

    await other.close();
    await store.close();
  });

  it('should give no writer for a connection to another file', async () => {
    const store = new SqliteProjectionStore({ filename: join(dir, 'a.db') });
    const other = new Database(join(dir, 'b.db'));
    const memory = new Database(':memory:');

    expect(store.writerOn(other)).toBeUndefined();
    expect(store.writerOn(memory)).toBeUndefined();
    expect(store.writerOn(store.database)).toBeDefined();

    other.close();
    memory.close();
    await store.close();
  });
});
