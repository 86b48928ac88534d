import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewEvent, RecordedEvent } from '../../src/eventstore/event-store.js';
import { EventStoreDbEventStore } from '../../src/eventstore/eventstoredb.js';
import { fromEsdbPosition, toEsdbPosition } from '../../src/eventstore/eventstoredb-events.js';
import { formatPosition, parsePosition } from '../../src/eventstore/position.js';
import { EsdbTestServer } from '../support/esdb-server/index.js';

function event(type: string): NewEvent {
  return { id: randomUUID(), type, data: {} };
}

const UINT64_MAX = 2n ** 64n - 1n;
/** Far past 2^53, where a number would round it, yet within the server's Int64 log. */
const FIRST_POSITION = 2n ** 62n + 12_345n;
/** Each record's prepare position lies this far before its commit position. */
const PREPARE_LAG = 7n;

describe('EventStoreDB positions', () => {
  it('should convert any 64-bit commit/prepare pair to the client and back unchanged', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, UINT64_MAX), fc.bigInt(0n, UINT64_MAX), (commit, prepare) => {
        const esdb = toEsdbPosition({ commit, prepare });
        expect(fromEsdbPosition(esdb)).toEqual({ commit, prepare });
        expect(parsePosition(formatPosition(fromEsdbPosition(esdb)))).toEqual({ commit, prepare });
      }),
    );
  });

  describe('beyond 2^62 with distinct commit and prepare parts', () => {
    let server: EsdbTestServer;
    let store: EventStoreDbEventStore;
    let written: RecordedEvent[];

    beforeAll(async () => {
      server = new EsdbTestServer({ firstPosition: FIRST_POSITION, prepareLag: PREPARE_LAG });
      await server.start();
      store = new EventStoreDbEventStore({ connectionString: server.connectionString });
      for (let n = 0; n < 5; n++) await store.append(`delivery-${n % 2}`, [event(`E${n}`)]);
      written = await store.readAll({ filter: { streamPrefixes: ['delivery-'] } });
    });

    afterAll(async () => {
      await store.close();
      await server.stop();
    });

    it('should hand back exactly the positions the server recorded', async () => {
      const recorded = server.log.records.filter((r) => r.streamId.startsWith('delivery-'));

      expect(written.map((e) => e.position)).toEqual(recorded.map((r) => r.position));
      expect(written[0]!.position.commit).toBeGreaterThan(FIRST_POSITION);
      expect(written[0]!.position.commit - written[0]!.position.prepare).toBe(PREPARE_LAG);
      const last = await store.append('delivery-0', [event('Last')]);
      expect(last.position).toEqual(server.log.records.at(-1)!.position);
      expect(await store.headPosition({ streamPrefixes: ['delivery-'] })).toEqual(last.position);
    });

    it('should read the log after any position it handed out, exclusively', async () => {
      const index = fc.integer({ min: 0, max: written.length - 1 });
      await fc.assert(
        fc.asyncProperty(index, fc.boolean(), async (at, filtered) => {
          // Unfiltered pages come from the client's readAll, filtered ones from a subscription.
          const filter = filtered ? { streamPrefixes: ['delivery-'] } : undefined;
          const page = await store.readAll({ after: written[at]!.position, filter });
          const ids = written.slice(at + 1).map((e) => e.id);
          expect(page.map((e) => e.id).slice(0, ids.length)).toEqual(ids);
        }),
        { numRuns: 20 },
      );
    });

    it('should subscribe after a large position and start right after it', async () => {
      const seen: string[] = [];
      const subscription = store.subscribeToAll(
        { onEvents: (events) => void seen.push(...events.map((e) => e.type)) },
        { after: written[2]!.position, filter: { streamPrefixes: ['delivery-'] } },
      );
      await subscription.caughtUp;
      await subscription.close();

      expect(seen.slice(0, 2)).toEqual(['E3', 'E4']);
    });
  });
});
