import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InMemoryProjectionStore } from '../../src/projections/in-memory-store.js';
import { SqliteProjectionStore } from '../../src/projections/sqlite-store.js';
import { describeProjectionStoreContract } from '../contracts/projection-store.contract.js';

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
