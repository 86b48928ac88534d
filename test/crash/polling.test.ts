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
import { failsAt, messageIdOf, postSends, providerMessageIdOf } from './sends.js';
import { readCalls, writeSlowProviderConfig } from './slow-provider.js';
import { StoreProbe } from './store-probe.js';

const dir = tempDir('polling');
const commands = useCommands();

/** Sends posted to the first server; it polls them as they come. */
const SENDS = 400;
/** Status changes the first server records before it is killed. */
const CHANGES_BEFORE_KILL = 30;

const ONE_CHECK = ['SendRecorded', 'CheckCompleted', 'StatusChanged'];

describe('a server killed with SIGKILL in the middle of a polling batch', () => {
  it('should keep every acknowledged send, and resume polling where it was', async () => {
    const db = join(dir, 'ledger.db');
    const first = writeSlowProviderConfig(dir, 'first-run', 50);
    const server = await commands.serve(db, first.config);
    const probe = new StoreProbe(db);
    const numbers = Array.from({ length: SENDS }, (_, n) => n);

    // Sends keep coming while the batch is checked; the kill falls among both.
    const posting = postSends(server.url, numbers, 16);
    await waitUntil(
      `${CHANGES_BEFORE_KILL} status changes, and checks asked but not yet recorded`,
      () =>
        probe.countEvents('StatusChanged') >= CHANGES_BEFORE_KILL &&
        readCalls(first.callsFile).length > probe.countEvents('CheckCompleted'),
      { timeoutMs: 30_000, run: server.run },
    );
    await killHard(server.run);
    const { acknowledged, attempted } = await posting;
    probe.close();

    expect(wasKilled(server.run)).toBe(true);
    const library = openLibrary(db);
    const records = await allRecords(library);
    const recorded = records.map((record) => record.messageId);
    const stories = await histories(library, attempted);
    const open = records.filter((record) => record.status === 'SENT');
    const asked = new Set(readCalls(first.callsFile));

    expect([...acknowledged].filter((id) => !recorded.includes(id))).toEqual([]);
    // A send that was not acknowledged is there whole, record and history, or not at all.
    const withEvents = new Map([...stories].filter(([, history]) => history.length > 0));
    expect([...withEvents.keys()].sort()).toEqual([...recorded].sort());
    expect(historiesProblems(withEvents)).toEqual([]);
    for (const record of records) {
      const expected = record.status === 'SENT' ? ['SendRecorded'] : ONE_CHECK;
      expect(typesOf(stories.get(record.messageId)!), record.messageId).toEqual(expected);
      if (record.status !== 'SENT') expect(asked).toContain(record.providerMessageId);
    }
    expect(open.length, 'messages left to check after the kill').toBeGreaterThan(0);
    const { projected, rebuilt } = await viewBeforeAndAfterRebuild(library);
    expect(rebuilt).toStrictEqual(projected);
    await library.close();

    const second = writeSlowProviderConfig(dir, 'second-run', 5);
    const restarted = await commands.serve(db, second.config);
    await waitUntil(
      'every message final',
      async () => {
        const response = await fetch(`${restarted.url}/v1/stats`);
        const stats = (await response.json()) as {
          total: number;
          byStatus: Record<string, number>;
        };
        return stats.total === records.length && stats.byStatus.SENT === 0;
      },
      { timeoutMs: 30_000, intervalMs: 100, run: restarted.run },
    );
    restarted.run.child.kill('SIGTERM');
    expect(await restarted.run.exited).toBe(0);

    // Polling took up the messages left open, each once, and none that was already final.
    expect(readCalls(second.callsFile).sort()).toEqual(
      open.map((record) => record.providerMessageId).sort(),
    );
    const reopened = openLibrary(db);
    const final = await allRecords(reopened);
    const finalStories = await histories(reopened, recorded);
    expect(final.map((record) => record.messageId)).toEqual(recorded);
    for (const record of final) {
      const n = Number(record.messageId.slice(2));
      expect(record.messageId).toBe(messageIdOf(n));
      expect(record.providerMessageId).toBe(providerMessageIdOf(n));
      expect([record.messageId, record.status, record.attemptCount]).toEqual([
        record.messageId,
        failsAt(n) ? 'FAILED' : 'DELIVERED',
        1,
      ]);
      expect(typesOf(finalStories.get(record.messageId)!), record.messageId).toEqual(ONE_CHECK);
    }
    expect(historiesProblems(finalStories)).toEqual([]);
    const afterRestart = await viewBeforeAndAfterRebuild(reopened);
    expect(afterRestart.rebuilt).toStrictEqual(afterRestart.projected);
    await reopened.close();
  }, 90_000);
});
