import { join } from 'node:path';
import { Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { progressBar, rateText } from '../../src/cli/progress.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import { cli, isolateEnvironment, seedThreeMessages, tempDir } from './ledger.js';

const dir = tempDir('rebuild');
const db = join(dir, 'ledger.db');
beforeAll(() => seedThreeMessages(db));
isolateEnvironment();

describe('delivery-ledger rebuild', () => {
  it('should rebuild the projections from every event and print how fast', async () => {
    const { code, stdout, stderr } = await cli('rebuild', '--db', db);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^rebuilt the projections: 8 events in \d+\.\d s \(\d+ events\/s\)\n$/);
    const listed = await cli('list', '--json', '--db', db);
    const records = JSON.parse(listed.stdout) as Array<{ messageId: string; status: string }>;
    expect(records.map((r) => [r.messageId, r.status])).toEqual([
      ['m-sent', 'SENT'],
      ['m-failed', 'FAILED'],
      ['m-delivered', 'DELIVERED'],
    ]);
  });

  it('should leave a server reading the old projection undisturbed, and swap in at the end', async () => {
    const server = new DeliveryTrackingService({
      eventStore: new SqliteEventStore({ filename: db }),
    });
    try {
      expect((await server.getRecord('m-failed'))?.status).toBe('FAILED');

      const { code } = await cli('rebuild', '--db', db);

      expect(code).toBe(0);
      expect((await server.getRecord('m-failed'))?.status).toBe('FAILED');
      expect(await server.countRecords()).toBe(3);
    } finally {
      await server.close();
    }
  });

  it('should refuse a --buffer-rows that is not a whole number from 1', async () => {
    for (const rows of ['0', '-5', 'many']) {
      const { code, stderr } = await cli('rebuild', '--db', db, '--buffer-rows', rows);

      expect(code).toBe(2);
      expect(stderr).toMatch(
        /--buffer-rows <n>' argument '.*' is invalid\. expected a whole number/,
      );
    }
  });

  it('should exit 2 for a database that is not there', async () => {
    const { code, stderr } = await cli('rebuild', '--db', join(dir, 'none.db'));

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: --db: no database at /);
  });
});

/** A stream that keeps what is written to it, and says whether it is a terminal. */
function screen(isTTY: boolean) {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  Object.assign(stream, { isTTY, columns: 100 });
  return { stream: stream as unknown as NodeJS.WriteStream, text: () => text };
}

describe('the progress bar', () => {
  it('should draw on a terminal, with the count and the unit', () => {
    const terminal = screen(true);
    const bar = progressBar('events', terminal.stream);

    bar.update(50, 200);
    bar.update(200, 200);
    bar.stop();

    expect(terminal.text()).toContain('200/200 events');
    expect(terminal.text()).toContain('100%');
  });

  it('should count on a terminal when there is no total', () => {
    const terminal = screen(true);
    const bar = progressBar('events', terminal.stream);

    bar.update(1000);
    bar.update(2000);
    bar.stop();

    expect(terminal.text()).toContain('2000 events');
    expect(terminal.text()).not.toContain('%');
  });

  it('should draw nothing when the stream is not a terminal', () => {
    const pipe = screen(false);
    const bar = progressBar('events', pipe.stream);

    bar.update(50, 200);
    bar.stop();

    expect(pipe.text()).toBe('');
  });

  it('should state the rate per second', () => {
    expect(rateText(1500, 'events', 2000)).toBe('1500 events in 2.0 s (750 events/s)');
  });
});
