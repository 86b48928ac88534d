import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cli,
  HOUR,
  isolateEnvironment,
  openLedger,
  seedThreeMessages,
  startCli,
  T0,
  tempDir,
  waitUntil,
} from './ledger.js';
import { runCli } from './support.js';

const dir = tempDir('watch');
const db = join(dir, 'ledger.db');
/** The database the live test adds a change to; the others read `db`, which stays as seeded. */
const liveDb = join(dir, 'live.db');
beforeAll(() => Promise.all([seedThreeMessages(db), seedThreeMessages(liveDb)]));
isolateEnvironment();

const lineCount = (text: string) => (text === '' ? 0 : text.trimEnd().split('\n').length);

/** Runs `watch` in this process until it printed `lines` lines, then stops it as SIGINT would. */
async function watchFor(lines: number, ...args: string[]) {
  const watching = startCli('watch', ...args, '--db', db);
  await waitUntil(`${lines} lines of changes`, () => lineCount(watching.stdout()) >= lines);
  process.emit('SIGINT', 'SIGINT');
  return watching.done;
}

interface Change {
  messageId: string;
  previousStatus: string | null;
  status: string;
  position: string;
}

const changesOf = (stdout: string) =>
  stdout
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line) as Change);

describe('delivery-ledger watch', () => {
  it('should replay past changes, print live ones as they come, and exit 0 on SIGINT', async () => {
    const watching = runCli(['watch', '--from', 'start', '--db', liveDb], { LOG_LEVEL: 'silent' });
    await waitUntil('the five past changes', () => lineCount(watching.stdout()) === 5, 15_000);

    const ledger = openLedger(liveDb);
    ledger.now = T0 + 3 * HOUR;
    await ledger.receipt({
      providerId: 'kakao-b',
      providerMessageId: 'K-1003',
      status: 'DELIVERED',
      providerStatus: '4000',
    });
    await ledger.close();
    await waitUntil('the live change', () => lineCount(watching.stdout()) === 6);
    watching.child.kill('SIGINT');

    expect(await watching.exited).toBe(0);
    expect(watching.stderr()).toBe('');
    const lines = watching.stdout().trimEnd().split('\n');
    expect(lines[0]).toBe('2026-11-30T10:00:00.000Z  m-delivered  smsc-a  new -> SENT  (send)  @1');
    expect(lines[5]).toMatch(
      /^2026-11-30T13:00:00\.000Z {2}m-sent {2}kakao-b {2}SENT -> DELIVERED {2}\(receipt\) {2}@\d+$/,
    );
  });

  it('should replay the changes made at or after a --from time, as JSON lines', async () => {
    const from = new Date(T0 + HOUR).toISOString();

    const { code, stdout } = await watchFor(3, '--from', from, '--json');

    expect(code).toBe(0);
    expect(changesOf(stdout).map((c) => [c.messageId, c.previousStatus, c.status])).toEqual([
      ['m-failed', null, 'SENT'],
      ['m-failed', 'SENT', 'FAILED'],
      ['m-sent', null, 'SENT'],
    ]);
  });

  it('should replay the changes after a --from position that match --status', async () => {
    const { code, stdout } = await watchFor(2, '--from', '3', '--status', 'sent', '--json');

    expect(code).toBe(0);
    expect(changesOf(stdout).map((c) => [c.messageId, c.position])).toEqual([
      ['m-failed', '4'],
      ['m-sent', '8'],
    ]);
  });

  it("should follow one message's changes with --message", async () => {
    const { code, stdout } = await watchFor(2, '--from', 'start', '--message', 'm-failed');

    expect(code).toBe(0);
    expect(stdout).toBe(
      '2026-11-30T11:00:00.000Z  m-failed  smsc-a  new -> SENT  (send)  @4\n' +
        '2026-11-30T11:05:00.000Z  m-failed  smsc-a  SENT -> FAILED  (receipt)  @6\n',
    );
  });

  it.each([
    [['--from', 'yesterday'], /'--from <start\|position\|time>' argument 'yesterday' .*"start"/],
    [['--status', 'read'], /'--status <statuses>' argument 'read' .*got "READ"/],
    [['--provider', ' '], /'--provider <id>' .*expected a non-empty value/],
  ])('should exit 2 for %j', async (options, message) => {
    const { code, stderr } = await cli('watch', ...options, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});
