import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { inShard } from '../../src/projections/projection-store.js';
import { cli, DAY, isolateEnvironment, openLedger, tempDir, waitUntil } from './ledger.js';
import { serveOnFreePort } from './support.js';

const dir = tempDir('serve-options');
isolateEnvironment();

const unused = join(dir, 'unused.db');

/** A provider that says every message it is asked about is delivered. */
const CONFIG = `
export default {
  providers: [{
    id: 'poll-p',
    async getDeliveryStatus(query) {
      return {
        isSuccess: true,
        isFailure: false,
        value: { providerId: 'poll-p', providerMessageId: query.providerMessageId, status: 'DELIVERED' },
      };
    },
  }],
  polling: { intervalMs: 100, initialDelayMs: 0 },
  retention: { defaultDays: 30 },
  unmatchedReceiptTtlMs: 60000,
};
`;

describe('delivery-ledger serve --shard and --retention-interval', () => {
  it("should poll only its shard's messages, and run retention on schedule", async () => {
    const db = join(dir, 'sharded.db');
    const config = join(dir, 'sharded.config.mjs');
    writeFileSync(config, CONFIG);
    // Due at once: the first check is planned when the send is recorded.
    const ledger = openLedger(db, {
      polling: { unknownProviderStrategy: 'wait', initialDelayMs: 0 },
    });
    ledger.now = Date.now();
    const ids = Array.from({ length: 8 }, (_, i) => `shard-msg-${i}`);
    for (const [i, messageId] of ids.entries()) {
      await ledger.send({
        messageId,
        providerId: 'poll-p',
        providerMessageId: `${i}`,
        to: '01012340000',
      });
    }
    await ledger.send({
      messageId: 'too-old',
      providerId: 'receipts-only',
      providerMessageId: 'x',
      to: '01012340001',
      requestedAt: ledger.now - 40 * DAY,
    });
    await ledger.close();
    const mine = ids.filter((id) => inShard(id, { index: 0, count: 2 }));
    const theirs = ids.filter((id) => !mine.includes(id));
    expect(mine.length * theirs.length).toBeGreaterThan(0);

    const { run: server, url } = await serveOnFreePort(
      (port) => [
        ...['serve', '--port', String(port), '--db', db, '--config', config],
        ...['--shard', '0/2', '--retention-interval', '1s'],
      ],
      { LOG_LEVEL: 'info' },
      15_000,
    );
    try {
      const statusOf = async (id: string) => {
        const answer = await fetch(`${url}/v1/messages/${id}`);
        return answer.ok ? ((await answer.json()) as { status: string }).status : answer.status;
      };
      const statuses = async (list: string[]) => Promise.all(list.map(statusOf));

      const delivered = await readUntil(
        () => statuses(mine),
        (read) => read.every((status) => status === 'DELIVERED'),
      );
      expect(delivered).toEqual(mine.map(() => 'DELIVERED'));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await statuses(theirs)).toEqual(theirs.map(() => 'SENT'));

      await waitUntil('a retention run', () => server.stdout().includes('"msg":"retention run"'));
      expect(await statusOf('too-old')).toBe(404);
    } finally {
      server.child.kill('SIGTERM');
    }

    expect(await server.exited).toBe(0);
    const log = server.stdout();
    expect(log).toMatch(/"shard":"0\/2".*"msg":"serving"/);
    expect(log).toMatch(/"deleted":1,"deletedByType":\{"SMS":1\}.*"msg":"retention run"/);
    expect(log).not.toContain('0101234');
  });
});

/** Reads until `done` holds of what was read, or 10 s passed; answers the last reading. */
async function readUntil<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('delivery-ledger serve with a sharding or retention option that is wrong', () => {
  it.each([
    [['--shard', '3/2'], /'--shard <index\/count>' argument '3\/2' .*0 <= index < count/],
    [['--shard', '2/2'], /argument '2\/2' .*0 <= index < count/],
    [['--shard', '0/0'], /argument '0\/0' .*0 <= index < count/],
    [['--shard', '1'], /argument '1' .*index\/count/],
    [['--retention-interval', '10'], /'--retention-interval <duration>' argument '10' .*30m or 1h/],
    [['--retention-interval', '0s'], /argument '0s' .*a duration/],
    [['--retention-interval', '30d'], /argument '30d' .*at most 24d/],
  ])('should exit 2 with one line on stderr for %j', async (options, message) => {
    const { code, stderr } = await cli('serve', ...options, '--db', unused);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });

  it('should exit 2 for a shard from LEDGER_SHARD that is out of range', async () => {
    vi.stubEnv('LEDGER_SHARD', '5/4');

    const { code, stderr } = await cli('serve', '--db', unused);

    expect(code).toBe(2);
    expect(stderr).toMatch(/value '5\/4' from env 'LEDGER_SHARD' is invalid/);
  });

  it('should exit 2 for --retention-interval without a retention policy', async () => {
    const { code, stderr } = await cli('serve', '--retention-interval', '1h', '--db', unused);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: --retention-interval: expected a retention policy in the config file, got none\n',
    );
  });
});
