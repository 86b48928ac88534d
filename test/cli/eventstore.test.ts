import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  DeliveryTrackingService,
  EventStoreDbEventStore,
  InMemoryProjectionStore,
} from '../../src/index.js';
import { EsdbTestServer } from '../support/esdb-server/index.js';
import {
  type CliInProgress,
  cli,
  isolateEnvironment,
  MINUTE,
  startCli,
  T0,
  tempDir,
} from './ledger.js';
import { freePort } from './support.js';

const dir = tempDir('eventstore');
isolateEnvironment();

const server = new EsdbTestServer();

beforeAll(async () => {
  await server.start();
  let now = T0;
  const service = new DeliveryTrackingService({
    eventStore: new EventStoreDbEventStore({ connectionString: server.connectionString }),
    projectionStore: new InMemoryProjectionStore(),
    now: () => now,
  });
  for (const [messageId, providerMessageId] of [
    ['esdb-1', 'E1'],
    ['esdb-2', 'E2'],
  ] as const) {
    await service.recordSend(
      { messageId, timestamp: now, options: { type: 'SMS', to: '01055550000' } },
      {
        messageId,
        providerId: 'smsc-e',
        providerMessageId,
        status: 'SENT',
        type: 'SMS',
        to: '01055550000',
      },
    );
  }
  now = T0 + 5 * MINUTE;
  await service.ingestReceipt({
    providerId: 'smsc-e',
    providerMessageId: 'E1',
    status: 'DELIVERED',
    providerStatus: 'DELIVRD',
    raw: 'DELIVRD',
  });
  await service.close();
});
afterAll(() => server.stop());

describe('the commands with --eventstore', () => {
  it('should show a message from EventStoreDB, its projections in the --db file', async () => {
    const projections = join(dir, 'projections', 'show.db');

    const { code, stdout, stderr } = await cli(
      'show',
      'esdb-1',
      '--eventstore',
      server.connectionString,
      '--db',
      projections,
    );

    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^status +DELIVERED since 2026-11-30T10:05:00\.000Z/m);
    expect(stdout).toMatch(/StatusChanged +SENT -> DELIVERED +DELIVRD +cause receipt/);
    expect(existsSync(projections)).toBe(true);
  });

  it('should list the messages of EventStoreDB, taking the URL from EVENTSTORE_URL', async () => {
    vi.stubEnv('EVENTSTORE_URL', server.connectionString);

    const { code, stdout } = await cli('list', '--json', '--db', join(dir, 'list.db'));

    expect(code).toBe(0);
    const records = JSON.parse(stdout) as Array<{ messageId: string; status: string }>;
    expect(records.map((r) => [r.messageId, r.status])).toEqual([
      ['esdb-2', 'SENT'],
      ['esdb-1', 'DELIVERED'],
    ]);
  });

  it('should serve the messages of EventStoreDB over HTTP, and stop on SIGTERM', async () => {
    const { serving, answer } = await serveEsdb('/v1/messages/esdb-1');
    process.emit('SIGTERM', 'SIGTERM');

    expect(await answer.json()).toMatchObject({ messageId: 'esdb-1', status: 'DELIVERED' });
    expect((await serving.done).code).toBe(0);
  });

  it('should exit 2 for serve with an --eventstore that is not a connection string', async () => {
    const { code, stderr } = await cli(
      'serve',
      '--eventstore',
      'tcp://db1:1113',
      '--db',
      ':memory:',
    );

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: --eventstore: expected .*, got a tcp:\/\/ URL\n$/);
  });

  it.each([
    ['a URL of another scheme', 'http://admin:changeit@db1:2113', 'got a http:// URL'],
    ['no scheme', 'db1:2113', 'got no scheme'],
    ['a scheme alone', 'esdb://', 'got no host after esdb://'],
    [
      'a string the client cannot read',
      'esdb://db1:2113?tls=perhaps',
      'got one the client cannot read',
    ],
  ])('should exit 2 for %s, never repeating the string', async (_what, url, got) => {
    const { code, stderr } = await cli('list', '--eventstore', url, '--db', join(dir, 'bad.db'));

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: --eventstore: expected an EventStoreDB connection string such as ' +
        `esdb://host:2113?tls=false, ${got}\n`,
    );
  });
});

/**
 * Starts `serve` on EventStoreDB in this process, on a port that was free a
 * moment ago, and fetches `path` once it answers. Another test's server may
 * take that port first: then it tries again on another.
 */
async function serveEsdb(path: string): Promise<{ serving: CliInProgress; answer: Response }> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const serving = startCli(
      'serve',
      '--port',
      String(port),
      '--eventstore',
      server.connectionString,
      '--db',
      join(dir, `serve-${attempt}.db`),
    );
    let ended = false;
    void serving.done.then(() => {
      ended = true;
    });
    for (let tries = 0; tries < 200 && !ended; tries++) {
      const answer = await fetch(`http://127.0.0.1:${port}${path}`).catch(() => undefined);
      if (answer !== undefined) return { serving, answer };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const { code, stderr } = await serving.done;
    if (attempt >= 3 || !stderr.includes('EADDRINUSE')) {
      throw new Error(`expected serve to answer on port ${port}; it exited ${code}: ${stderr}`);
    }
  }
}
