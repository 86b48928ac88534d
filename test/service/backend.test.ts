import { describe, expect, it } from 'vitest';
import { EventStoreDbEventStore, SqliteEventStore } from '../../src/index.js';
import { NamespacedEventStore } from '../support/namespaced-event-store.js';
import { eventStoreFor, testBackend } from './backend.js';
import { useLedgers } from './support.js';

describe('the backend the service specifications run on', () => {
  const ledgers = useLedgers();

  it('should be the one the project asked for', async () => {
    const { eventStore } = eventStoreFor(ledgers.newFile());

    if (process.env.LEDGER_TEST_BACKEND === 'esdb') {
      expect(testBackend).toBe('esdb');
      expect(eventStore).toBeInstanceOf(NamespacedEventStore);
    } else {
      expect(testBackend).toBe('sqlite');
      expect(eventStore).toBeInstanceOf(SqliteEventStore);
    }
    await eventStore!.close();
    expect(EventStoreDbEventStore).toBeTypeOf('function');
  });
});
