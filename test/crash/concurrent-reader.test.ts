import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historiesProblems } from './history-check.js';
import { allRecords, histories, openLibrary, viewBeforeAndAfterRebuild } from './library.js';
import { killHard, tempDir, useCommands, waitUntil, wasKilled } from './processes.js';
import { messageIdOf, postSends } from './sends.js';
import { StoreProbe } from './store-probe.js';

const dir = tempDir('reader');
const commands = useCommands();

const SENDS = 300;
/** Sends recorded before the second process reads. */
const SENDS_BEFORE_LIST = 50;

describe('a SQLite file written by a server', () => {
  it('should be read by other connections and processes meanwhile, and survive a SIGKILL', async () => {
    const readings: number[] = [];
    const t0 = Date.now(); const lap = (w: string) => console.log('LAP', w, Date.now() - t0, readings.at(-1));
    const db = join(dir, 'ledger.db');
    const server = await commands.serve(db);
    lap('served');
    const probe = new StoreProbe(db);
    const numbers = Array.from({ length: SENDS }, (_, n) => n);

    let posted = false;

    const posting = postSends(server.url, numbers, 8).finally(() => {
      posted = true;
    });
    const reading = waitUntil(
      'the sends posted',
      () => {
        readings.push(probe.countEvents('SendRecorded'));
        return posted;
      },
      { timeoutMs: 30_000, intervalMs: 5 },
    );
    await waitUntil(`${SENDS_BEFORE_LIST} sends recorded`, () => readings.at(-1)! >= 50, {
      timeoutMs: 30_000,
      run: server.run,
    });
    lap('list');
    const list = commands.start(['list', '--json', '--asc', '--limit', '1000', '--db', db]);
    const listed = await list.exited;
    lap('listed');
    const { acknowledged } = await posting;
    await reading;
    lap('posted');
    await killHard(server.run);
    probe.close();

    expect(listed, list.stderr()).toBe(0);
    const records = JSON.parse(list.stdout()) as Array<{ messageId: string; status: string }>;
    expect(records.length).toBeGreaterThanOrEqual(SENDS_BEFORE_LIST);
    expect(records.every((record) => record.status === 'SENT')).toBe(true);
    // The probe saw the sends arrive, never a count going back.
    expect(readings).toEqual([...readings].sort((a, b) => a - b));
    expect(readings.some((count) => count > 0 && count < SENDS)).toBe(true);

    expect(wasKilled(server.run)).toBe(true);
    expect(existsSync(`${db}-wal`), 'the write-ahead log the kill left').toBe(true);
    expect(acknowledged.size).toBe(SENDS);
    const library = openLibrary(db);
    const all = await allRecords(library);
    expect(all.map((record) => record.messageId)).toEqual(numbers.map(messageIdOf));
    expect(historiesProblems(await histories(library, acknowledged))).toEqual([]);
    const { projected, rebuilt } = await viewBeforeAndAfterRebuild(library);
    expect(rebuilt).toStrictEqual(projected);
    await library.close();
    lap('done');
  }, 60_000);
});
