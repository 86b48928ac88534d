import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStoreUnavailableError } from '../../src/errors.js';
import type { NewEvent, RecordedEvent } from '../../src/eventstore/event-store.js';
import { EventStoreDbEventStore } from '../../src/eventstore/eventstoredb.js';
import { EsdbTestServer } from '../support/esdb-server/index.js';

function event(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data };
}

/** Writes into the node's log directly, as another program would while we are cut off. */
function appendBehindOurBack(server: EsdbTestServer, streamId: string, type: string) {
  const data = Buffer.from(JSON.stringify({ by: 'someone else' }));
  const proposed = { id: randomUUID(), type, contentType: 'application/json', data };
  server.log.append(streamId, { kind: 'any' }, [{ ...proposed, metadata: new Uint8Array() }]);
}

async function waitFor(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function elapsed<T>(
  work: () => Promise<T>,
): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const start = Date.now();
  const [result] = await Promise.allSettled([work()]);
  return { ms: Date.now() - start, result: result! };
}

function rejection(result: PromiseSettledResult<unknown>): unknown {
  expect(result.status).toBe('rejected');
  return (result as PromiseRejectedResult).reason;
}

/** A port on 127.0.0.1 where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe.each([
  { name: 'BatchAppend', batchAppend: true },
  { name: 'plain Append', batchAppend: false },
])('EventStoreDB when the node goes away ($name)', ({ batchAppend }) => {
  let server: EsdbTestServer;
  let store: EventStoreDbEventStore;

  afterEach(async () => {
    await store.close();
    await server.stop();
  });

  it('should resume a subscription after a restart, losing and repeating nothing', async () => {
    server = new EsdbTestServer({ batchAppend });
    await server.start();
    store = new EventStoreDbEventStore({
      connectionString: server.connectionString,
      timeoutMs: 2000,
      resubscribe: { initialDelayMs: 20, maxDelayMs: 200 },
    });
    await store.append('delivery-1', [event('Sent'), event('Delivered')]);
    const seen: RecordedEvent[] = [];
    const errors: Error[] = [];
    const subscription = store.subscribeToAll(
      { onEvents: (events) => void seen.push(...events), onError: (e) => errors.push(e) },
      { filter: { streamPrefixes: ['delivery-'] } },
    );
    await subscription.caughtUp;
    await store.append('delivery-2', [event('Sent')]);
    await waitFor(() => seen.length === 3);

    await server.stop();
    const down = await elapsed(() => store.append('delivery-3', [event('Lost')]));
    appendBehindOurBack(server, 'delivery-4', 'WrittenWhileWeWereCutOff');
    await server.start();
    await store.append('delivery-5', [event('AfterRestart')]);
    await waitFor(() => seen.length === 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await subscription.close();

    const failure = rejection(down.result);
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect(failure).toMatchObject({ code: 'EVENT_STORE_UNAVAILABLE', retryable: true });
    expect((failure as Error).message).toContain(`127.0.0.1:${server.port}`);
    expect(down.ms).toBeLessThan(1500);
    expect(seen.map((e) => e.type)).toEqual([
      'Sent',
      'Delivered',
      'Sent',
      'WrittenWhileWeWereCutOff',
      'AfterRestart',
    ]);
    expect(new Set(seen.map((e) => e.id)).size).toBe(5);
    expect(errors).toEqual([]);
  });

  it('should give up following after the configured attempts and say why', async () => {
    server = new EsdbTestServer({ batchAppend });
    await server.start();
    store = new EventStoreDbEventStore({
      connectionString: server.connectionString,
      resubscribe: { maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 20 },
    });
    const errors: Error[] = [];
    const subscription = store.subscribeToAll({
      onEvents: () => {},
      onError: (error) => errors.push(error),
    });
    await subscription.caughtUp;

    await server.stop();
    await waitFor(() => errors.length > 0);
    await subscription.close();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
    expect(errors[0]!.message).toMatch(/gave up after 3 attempts/);
  });
});

describe('EventStoreDB when no node answers', () => {
  let store: EventStoreDbEventStore;
  let silent: Server | undefined;
  const sockets: Socket[] = [];

  afterEach(async () => {
    await store.close();
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => (silent ? silent.close(resolve) : resolve(undefined)));
    silent = undefined;
  });

  it('should fail at once with an error naming the host when nothing listens', async () => {
    const port = await closedPort();
    store = new EventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
      timeoutMs: 5000,
    });

    const append = await elapsed(() => store.append('delivery-1', [event('Sent')]));
    const read = await elapsed(() => store.readStream('delivery-1'));

    for (const { ms, result } of [append, read]) {
      const failure = rejection(result);
      expect(failure).toBeInstanceOf(EventStoreUnavailableError);
      expect((failure as Error).message).toContain(`EventStoreDB at 127.0.0.1:${port}`);
      expect(ms).toBeLessThan(2000);
    }
  });

  it('should give up at the deadline on a node that accepts calls but never answers', async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    store = new EventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
      timeoutMs: 300,
    });

    const { ms, result } = await elapsed(() => store.append('delivery-1', [event('Sent')]));

    const failure = rejection(result);
    expect(failure).toBeInstanceOf(EventStoreUnavailableError);
    expect((failure as Error).message).toMatch(/did not answer within 300 ms/);
    expect((failure as Error).message).toMatch(/retrying with the same event ids is safe/);
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1500);
  });

  it('should count a subscription the node never confirms as a failed attempt', async () => {
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent!.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    store = new EventStoreDbEventStore({
      connectionString: `esdb://127.0.0.1:${port}?tls=false`,
      timeoutMs: 200,
      resubscribe: { maxAttempts: 2, initialDelayMs: 10 },
    });
    const errors: Error[] = [];

    const subscription = store.subscribeToAll({
      onEvents: () => {},
      onError: (error) => errors.push(error),
    });
    await waitFor(() => errors.length > 0, 3000);
    await subscription.close();

    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(EventStoreUnavailableError);
    expect(errors[0]!.message).toMatch(/gave up after 2 attempts/);
    expect(errors[0]!.message).toContain(`127.0.0.1:${port}`);
    expect(errors[0]!.message).toMatch(/no confirmation within 200 ms/);
    await expect(subscription.caughtUp).rejects.toBe(errors[0]);
  });
});
