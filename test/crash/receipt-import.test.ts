import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { historiesProblems } from './history-check.js';
import {
  allRecords,
  histories,
  openLibrary,
  typesOf,
  viewBeforeAndAfterRebuild,
} from './library.js';
import { killHard, tempDir, useCommands, waitUntil, wasKilled } from './processes.js';
import { failsAt, messageIdOf, PROVIDER, recordSends, smppReceiptOf } from './sends.js';
import { probeOnce, StoreProbe } from './store-probe.js';

const dir = tempDir('import');
const commands = useCommands();

/** Messages sent, and receipts in the file: one each. */
const MESSAGES = 400;
/** Receipts recorded before the import is killed: its first batch. */
const RECEIPTS_BEFORE_KILL = 100;

const ONE_RECEIPT = ['SendRecorded', 'ReceiptReceived', 'StatusChanged'];

describe('a receipt import killed with SIGKILL half-way through its file', () => {
  it('should, imported again, give every receipt exactly one effect', async () => {
    const db = join(dir, 'ledger.db');
    const seeding = openLibrary(db, { polling: { unknownProviderStrategy: 'wait' } });
    await recordSends(seeding, MESSAGES, new Date('2026-11-30T10:00:00Z'));
    await seeding.close();
    const file = join(dir, 'receipts.txt');
    const numbers = Array.from({ length: MESSAGES }, (_, n) => n);
    writeFileSync(file, `${numbers.map(smppReceiptOf).join('\n')}\n`);
    const args = ['receipts', 'import', 'smpp', file, '--provider', PROVIDER, '--db', db];

    const probe = new StoreProbe(db);
    const killed = commands.start(args);
    await waitUntil(
      `${RECEIPTS_BEFORE_KILL} receipts recorded`,
      () => probe.countEvents('ReceiptReceived') >= RECEIPTS_BEFORE_KILL,
      { timeoutMs: 30_000, intervalMs: 5, run: killed },
    );
    await killHard(killed);
    probe.close();
    const taken = probeOnce(db, (p) => p.countEvents('ReceiptReceived'));

    expect(wasKilled(killed)).toBe(true);
    expect(taken, 'receipts recorded before the kill').toBeLessThan(MESSAGES);
    const again = commands.start(args);
    expect(await again.exited).toBe(0);
    const lines = again.stdout().trimEnd().split('\n');
    expect(lines[1]).toBe(`${MESSAGES - taken} applied, ${taken} ignored, 0 pending, 0 rejected`);

    const library = openLibrary(db);
    const records = await allRecords(library);
    const stories = await histories(library, numbers.map(messageIdOf));
    expect(records.map((record) => [record.messageId, record.status])).toEqual(
      numbers.map((n) => [messageIdOf(n), failsAt(n) ? 'FAILED' : 'DELIVERED']),
    );
    for (const [messageId, history] of stories) {
      expect(typesOf(history), messageId).toEqual(ONE_RECEIPT);
    }
    expect(historiesProblems(stories)).toEqual([]);
    const { projected, rebuilt } = await viewBeforeAndAfterRebuild(library);
    expect(rebuilt).toStrictEqual(projected);
    await library.close();
  }, 90_000);
});
