import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
