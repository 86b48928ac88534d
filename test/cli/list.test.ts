import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, isolateEnvironment, seedThreeMessages, tempDir } from './ledger.js';

const dir = tempDir('list');
const db = join(dir, 'ledger.db');
beforeAll(() => seedThreeMessages(db));
isolateEnvironment();

/** The message ids of a table's rows, in order. */
function idsOf(table: string): string[] {
  return table
    .trimEnd()
    .split('\n')
    .slice(1, -1)
    .map((line) => line.split(/\s+/)[0]!);
}

describe('delivery-ledger list', () => {
  it('should print a table of the records, newest first, and how many match', async () => {
    const { code, stdout, stderr } = await cli('list', '--db', db);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^message +status +provider +type +requested at +status updated at +checks$/,
    );
    expect(lines[1]).toMatch(/^m-sent +SENT +kakao-b +ALIMTALK +2026-11-30T12:00:00\.000Z/);
    expect(idsOf(stdout)).toEqual(['m-sent', 'm-failed', 'm-delivered']);
    expect(lines.at(-1)).toBe('1-3 of 3 records');
  });

  it.each([
    [
      ['--status', 'delivered,failed'],
      ['m-failed', 'm-delivered'],
    ],
    [['--provider', 'kakao-b'], ['m-sent']],
    [
      ['--type', 'SMS'],
      ['m-failed', 'm-delivered'],
    ],
    [['--recipient', '01011110002'], ['m-failed']],
    [['--sender', '0212345678'], ['m-delivered']],
    [
      ['--requested-from', '2026-11-30T11:00:00Z'],
      ['m-sent', 'm-failed'],
    ],
    [
      ['--requested-to', '2026-11-30T11:00:00Z'],
      ['m-failed', 'm-delivered'],
    ],
    [
      ['--order-by', 'statusUpdatedAt', '--asc'],
      ['m-delivered', 'm-failed', 'm-sent'],
    ],
  ])('should filter and order with %j', async (options, expected) => {
    const { code, stdout } = await cli('list', ...options, '--db', db);

    expect(code).toBe(0);
    expect(idsOf(stdout)).toEqual(expected);
  });

  it('should print a page with --limit and --offset, counting every match', async () => {
    const { stdout } = await cli('list', '--limit', '1', '--offset', '1', '--asc', '--db', db);

    expect(idsOf(stdout)).toEqual(['m-failed']);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('2-2 of 3 records');
  });

  it('should print the records as a JSON array with --json', async () => {
    const { code, stdout } = await cli('list', '--status', 'sent', '--json', '--db', db);

    expect(code).toBe(0);
    const records = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(records).toEqual([
      expect.objectContaining({
        messageId: 'm-sent',
        providerId: 'kakao-b',
        status: 'SENT',
        requestedAt: '2026-11-30T12:00:00.000Z',
      }),
    ]);
  });

  it('should say so when no record matches', async () => {
    const { code, stdout } = await cli('list', '--status', 'cancelled', '--db', db);

    expect(code).toBe(0);
    expect(stdout).toBe('no records match\n');
  });
});

describe('delivery-ledger list with a filter that is wrong', () => {
  it.each([
    [['--status', 'delivred'], /'--status <statuses>' argument 'delivred' .*got "DELIVRED"/],
    [['--provider', 'a,,b'], /'--provider <ids>' .*none of them empty/],
    [['--limit', '-1'], /'--limit <n>' argument '-1' .*expected a whole number from 0/],
    [['--offset', 'ten'], /'--offset <n>' argument 'ten' .*expected a whole number from 0/],
    [
      ['--order-by', 'sentAt'],
      /'--order-by <field>' argument 'sentAt' .*requestedAt, statusUpdatedAt/,
    ],
    [['--requested-from', 'noon'], /'--requested-from <time>' argument 'noon' .*ISO time/],
    [
      ['--requested-from', '2026-12-01', '--requested-to', '2026-11-01'],
      /^error: --requested-from: expected a time before --requested-to/,
    ],
  ])('should exit 2 with one line on stderr for %j', async (options, message) => {
    const { code, stdout, stderr } = await cli('list', ...options, '--db', db);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
