import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  jsonEvent,
  type Position,
  START,
  streamNameFilter,
} from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EsdbTestServer } from '../support/esdb-server/index.js';

/**
 * The stand-in answers the client the way the server does, for the parts of
 * the protocol the store relies on only indirectly.
 */
describe('EventStoreDB test server', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;

  beforeEach(async () => {
    server = new EsdbTestServer();
    await server.start();
    client = EventStoreDBClient.connectionString(server.connectionString);
  });

  afterEach(async () => {
    await client.dispose();
    await server.stop();
  });

  it('should checkpoint a filtered subscription every 32 events it considered', async () => {
    for (let n = 0; n < 3; n++) {
      const events = Array.from({ length: 25 }, () => jsonEvent({ type: 'Noise', data: {} }));
      await client.appendToStream(`noise-${n}`, events);
    }
    const checkpoints: Position[] = [];
    const filter = streamNameFilter({
      prefixes: ['delivery-'],
      checkpointReached: (_, position) => void checkpoints.push(position),
    });

    const subscription = client.subscribeToAll({ fromPosition: START, filter });
    await new Promise((resolve) => subscription.once('caughtUp', resolve));
    await subscription.unsubscribe();

    // 2 system records and 75 events: checkpoints after the 32nd and the 64th.
    const records = server.log.records;
    expect(checkpoints).toEqual([records[31]!.position, records[63]!.position]);
  });

  it('should read a stream backwards from its end, counted', async () => {
    const types = ['A', 'B', 'C', 'D'];
    await client.appendToStream(
      'delivery-1',
      types.map((type) => jsonEvent({ type, data: {} })),
    );

    const read = client.readStream('delivery-1', {
      direction: BACKWARDS,
      fromRevision: END,
      maxCount: 3,
    });
    const seen: string[] = [];
    for await (const resolved of read) seen.push(resolved.event!.type);

    expect(seen).toEqual(['D', 'C', 'B']);
  });

  it('should answer a repeated append of the same event ids with the first outcome', async () => {
    const events = [jsonEvent({ type: 'A', data: {} }), jsonEvent({ type: 'B', data: {} })];
    const first = await client.appendToStream('delivery-2', events, {
      expectedRevision: 'no_stream',
    });

    const again = await client.appendToStream('delivery-2', events, {
      expectedRevision: 'no_stream',
    });

    expect(again).toEqual(first);
    expect(server.log.stream('delivery-2')).toHaveLength(2);
  });

  it('should keep its data and its port across a restart', async () => {
    await client.appendToStream('delivery-3', jsonEvent({ type: 'A', data: {} }));
    const port = server.port;

    await server.stop();
    // A real restart takes a moment, in which the client notices the dropped connection
    // (a call made in the very same instant fails once with UNAVAILABLE or CANCELLED).
    await new Promise((resolve) => setTimeout(resolve, 100));
    await server.start();

    expect(server.port).toBe(port);
    const seen: string[] = [];
    for await (const resolved of client.readStream('delivery-3')) seen.push(resolved.event!.type);
    expect(seen).toEqual(['A']);
  });
});
