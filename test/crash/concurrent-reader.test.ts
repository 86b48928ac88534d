import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historiesProblems } from './history-check.js';
import {
  allRecords,
  compareIds,
  histories,
  openLibrary,
  viewBeforeAndAfterRebuild,
} from './library.js';
import { killHard, tempDir, useCommands, waitUntil, wasKilled } from './processes.js';
import { postSends } from './sends.js';
import { StoreProbe } from './store-probe.js';

const dir = tempDir('reader');
const commands = useCommands();

/** The most sends posted; posting stops once the second process has read. */
const MOST_SENDS = 5000;
/** Sends recorded before the second process starts. */
const SENDS_BEFORE_LIST = 50;

describe('a SQLite file written by a server', () => {
  it('should be read by other processes meanwhile, and survive a SIGKILL', async () => {
    const db = join(dir, 'ledger.db');
    const server = await commands.serve(db);
    const probe = new StoreProbe(db);
    const readings: number[] = [];
    let listing = true;

    // Sends keep coming until the second process has read the file, and ended.
    const numbers = Array.from({ length: MOST_SENDS }, (_, n) => n);
    const posting = postSends(server.url, numbers, 8, () => !listing);
    const reading = waitUntil(
      'the second process to end',
      () => {
        readings.push(probe.countEvents('SendRecorded'));
        return !listing;
      },
      { timeoutMs: 60_000, intervalMs: 5 },
    );
    await waitUntil(
      `${SENDS_BEFORE_LIST} sends recorded`,
      () => (readings.at(-1) ?? 0) >= SENDS_BEFORE_LIST,
      { timeoutMs: 30_000, run: server.run },
    );
    const list = commands.start([
      'list',
      '--json',
      '--asc',
      '--limit',
      `${MOST_SENDS}`,
      '--db',
      db,
    ]);
    const listed = await list.exited;
    listing = false;
    const { acknowledged } = await posting;
    await reading;
    await killHard(server.run);
    probe.close();

    expect(listed, list.stderr()).toBe(0);
    const records = JSON.parse(list.stdout()) as Array<{ messageId: string; status: string }>;
    expect(records.length).toBeGreaterThanOrEqual(SENDS_BEFORE_LIST);
    expect(records.length, 'records listed while sends came in').toBeLessThan(acknowledged.size);
    expect(records.every((record) => record.status === 'SENT')).toBe(true);
    // The probe saw the sends arrive, and never a count going back.
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
    expect(readings.at(-1)).toBeGreaterThan(readings[0]!);

    expect(wasKilled(server.run)).toBe(true);
    expect(existsSync(`${db}-wal`), 'the write-ahead log the kill left').toBe(true);
    const library = openLibrary(db);
    const all = await allRecords(library);
    expect(all.map((record) => record.messageId)).toEqual([...acknowledged].sort(compareIds));
    expect(historiesProblems(await histories(library, acknowledged))).toEqual([]);
    const { projected, rebuilt } = await viewBeforeAndAfterRebuild(library);
    expect(rebuilt).toStrictEqual(projected);
    await library.close();
  }, 60_000);
});
