import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeliveryTrackingService, SqliteEventStore } from '../../src/index.js';
import { openLibrary, projectedView } from './library.js';
import { killHard, tempDir, useCommands, waitUntil, wasKilled } from './processes.js';
import { recordReceipts, recordSends } from './sends.js';
import { probeOnce, StoreProbe } from './store-probe.js';

const dir = tempDir('rebuild');
const commands = useCommands();

/** Messages sent; all but every twentieth get a receipt, which adds two events each. */
const MESSAGES = 7000;
/** Receipts for sends never recorded: they wait in the projection's parked receipts. */
const WAITING = 50;

/** Fills `db` with some 20 thousand events, quickly: the log is not synced to disk each time. */
async function seed(db: string): Promise<void> {
  const service = new DeliveryTrackingService({
    eventStore: new SqliteEventStore({ filename: db, synchronous: 'normal' }),
    polling: { unknownProviderStrategy: 'wait' },
  });
  const numbers = Array.from({ length: MESSAGES }, (_, n) => n);
  await recordSends(service, MESSAGES, new Date('2026-11-30T10:00:00Z'));
  await recordReceipts(service, [
    ...numbers.filter((n) => n % 20 !== 0),
    ...Array.from({ length: WAITING }, (_, i) => MESSAGES + i),
  ]);
  await service.close();
}

describe('a projection rebuild killed with SIGKILL half-way', () => {
  it('should leave the live projection serving, and a new rebuild should finish', async () => {
    const db = join(dir, 'ledger.db');
    await seed(db);
    const { events, live } = probeOnce(db, (p) => ({
      events: p.countEvents(),
      live: p.liveGeneration(),
    }));
    expect(events).toBeGreaterThanOrEqual(20_000);
    // A server reading the projection all along, in this process.
    const reader = openLibrary(db);
    const before = await projectedView(reader);
    expect(before.records).toHaveLength(MESSAGES);
    expect(before.unmatched).toHaveLength(WAITING);

    const probe = new StoreProbe(db);
    const killed = commands.start(['rebuild', '--db', db, '--buffer-rows', '2000']);
    await waitUntil(
      'the rebuild to commit its first pages',
      () => (probe.checkpointOf(live + 1) ?? 0) > 0,
      { timeoutMs: 30_000, intervalMs: 5, run: killed },
    );
    await killHard(killed);
    probe.close();

    expect(wasKilled(killed)).toBe(true);
    const left = probeOnce(db, (p) => ({
      live: p.liveGeneration(),
      partial: p.checkpointOf(live + 1),
      head: p.headPosition(),
    }));
    expect(left.live, 'the generation that serves reads').toBe(live);
    expect(left.partial, 'the half-built copy stops short of the log').toBeLessThan(left.head);
    expect(await projectedView(reader)).toStrictEqual(before);
    const fresh = openLibrary(db);
    expect(await projectedView(fresh)).toStrictEqual(before);
    await fresh.close();

    const again = commands.start(['rebuild', '--db', db]);
    expect(await again.exited).toBe(0);
    expect(again.stdout()).toMatch(new RegExp(`^rebuilt the projections: ${events} events in `));
    const swapped = probeOnce(db, (p) => ({
      live: p.liveGeneration(),
      records: p.tablesStartingWith('records_g'),
      parked: p.tablesStartingWith('parked_receipts_g'),
    }));
    expect(swapped).toEqual({
      live: live + 1,
      records: [`records_g${live + 1}`],
      parked: [`parked_receipts_g${live + 1}`],
    });
    expect(await projectedView(reader)).toStrictEqual(before);
    await reader.close();
    const reopened = openLibrary(db);
    expect(await projectedView(reopened)).toStrictEqual(before);
    await reopened.close();
  }, 90_000);
});
