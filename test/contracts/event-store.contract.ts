import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventTooLargeError,
  ValidationError,
  WrongExpectedRevisionError,
} from '../../src/errors.js';
import type { EventStore, NewEvent, RecordedEvent } from '../../src/eventstore/event-store.js';
import { comparePositions } from '../../src/eventstore/position.js';

export interface EventStoreFixture {
  readonly store: EventStore;
  /** Releases what the fixture holds (servers, files) after `store.close()`. */
  dispose?(): Promise<void>;
}

function event(type: string, data: Record<string, unknown> = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: { correlationId: 'c-1' } };
}

async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * The behaviour every event store adapter must have. Each adapter's test file
 * calls this with a factory that makes a fresh, empty store.
 */
export function describeEventStoreContract(
  name: string,
  makeStore: () => Promise<EventStoreFixture>,
): void {
  describe(`${name} event store contract`, () => {
    let fixture: EventStoreFixture;
    let store: EventStore;
    // Each test uses its own stream ids, so a shared real server can run the suite too.
    let prefix: string;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
      prefix = `delivery-${randomUUID().slice(0, 8)}`;
    });

    afterEach(async () => {
      await store.close();
      await fixture.dispose?.();
    });

    describe('append', () => {
      it('should append events to a new stream and read them back in order', async () => {
        const stream = `${prefix}-a`;
        const result = await store.append(
          stream,
          [event('SendRecorded', { n: 1 }), event('StatusChanged', { n: 2 })],
          {
            expectedRevision: 'no_stream',
          },
        );

        expect(result.nextRevision).toBe(1);
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.revision, e.data])).toEqual([
          ['SendRecorded', 0, { n: 1 }],
          ['StatusChanged', 1, { n: 2 }],
        ]);
        expect(events[0]!.metadata).toMatchObject({ correlationId: 'c-1' });
        expect(events[0]!.recordedAt).toBeInstanceOf(Date);
        expect(events[0]!.streamId).toBe(stream);
        expect(comparePositions(events[1]!.position, result.position)).toBe(0);
        expect(comparePositions(events[0]!.position, events[1]!.position)).toBeLessThan(0);
      });

      it('should read back plain values: copies keep every field, metadata too', async () => {
        const stream = `${prefix}-copies`;
        const metadata = { correlationId: 'c-1', occurredAt: 5 };
        await store.append(stream, [{ id: randomUUID(), type: 'A', data: { n: 1 }, metadata }]);

        const [read] = await store.readStream(stream);
        const [fromLog] = await store.readAll({ filter: { streamPrefixes: [stream] } });

        for (const copy of [{ ...read! }, structuredClone(read!)]) {
          expect(copy.metadata).toEqual(metadata);
          expect(copy.data).toEqual({ n: 1 });
        }
        expect(Object.keys(read!).sort()).toEqual(
          [
            'data',
            'id',
            'metadata',
            'position',
            'recordedAt',
            'revision',
            'streamId',
            'type',
          ].sort(),
        );
        expect(fromLog).toEqual(read);
        expect(read).not.toEqual({ ...read!, metadata: { correlationId: 'other' } });
      });

      it('should append at an expected revision number and reject a stale one', async () => {
        const stream = `${prefix}-b`;
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });
        await store.append(stream, [event('B')], { expectedRevision: 0 });

        const stale = store.append(stream, [event('C')], { expectedRevision: 0 });

        await expect(stale).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(stale).rejects.toMatchObject({ code: 'WRONG_EXPECTED_REVISION', actual: 1 });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B']);
      });

      it('should reject no_stream for an existing stream and stream_exists for a missing one', async () => {
        const stream = `${prefix}-c`;
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });

        await expect(
          store.append(stream, [event('B')], { expectedRevision: 'no_stream' }),
        ).rejects.toBeInstanceOf(WrongExpectedRevisionError);
        await expect(
          store.append(`${prefix}-missing`, [event('B')], { expectedRevision: 'stream_exists' }),
        ).rejects.toMatchObject({ actual: 'no_stream' });
        await store.append(stream, [event('C')], { expectedRevision: 'stream_exists' });
        await store.append(stream, [event('D')], { expectedRevision: 'any' });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'C', 'D']);
      });

      it('should treat a retried append of the same event ids as already done', async () => {
        const stream = `${prefix}-d`;
        const events = [event('A'), event('B')];
        const first = await store.append(stream, events, { expectedRevision: 'no_stream' });

        const retried = await store.append(stream, events, { expectedRevision: 'no_stream' });

        expect(retried.nextRevision).toBe(first.nextRevision);
        expect(comparePositions(retried.position, first.position)).toBe(0);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('should let exactly one of two concurrent appends at the same revision win', async () => {
        const stream = `${prefix}-e`;
        await store.append(stream, [event('A')], { expectedRevision: 'no_stream' });

        const outcomes = await Promise.allSettled([
          store.append(stream, [event('B1')], { expectedRevision: 0 }),
          store.append(stream, [event('B2')], { expectedRevision: 0 }),
        ]);

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
        expect(rejected.reason).toBeInstanceOf(WrongExpectedRevisionError);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('should write nothing of an append that holds one bad event', async () => {
        const stream = `${prefix}-f`;
        const bad = { id: 'not-a-uuid', type: 'B', data: {} };

        await expect(store.append(stream, [event('A'), bad])).rejects.toBeInstanceOf(
          ValidationError,
        );
        await expect(store.append(stream, [])).rejects.toBeInstanceOf(ValidationError);
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('should refuse an event larger than the append limit before writing anything', async () => {
        const stream = `${prefix}-g`;
        const huge = event('Huge', { raw: 'x'.repeat(1024 * 1024 + 1) });

        await expect(store.append(stream, [event('A'), huge])).rejects.toBeInstanceOf(
          EventTooLargeError,
        );
        expect(await store.readStream(stream)).toEqual([]);
      });
    });

    describe('reading', () => {
      it('should read a stream from a revision with a count', async () => {
        const stream = `${prefix}-h`;
        await store.append(
          stream,
          ['A', 'B', 'C', 'D'].map((t) => event(t)),
        );

        const page = await store.readStream(stream, { fromRevision: 1, maxCount: 2 });

        expect(page.map((e) => e.type)).toEqual(['B', 'C']);
        expect(await store.readStream(`${prefix}-none`)).toEqual([]);
      });

      it('should read several streams at once, each in order, a missing one as empty', async () => {
        if (!store.readStreams) return;
        await store.append(`${prefix}-s2`, [event('A'), event('B')]);
        await store.append(`${prefix}-s1`, [event('C')]);
        await store.append(`${prefix}-s2`, [event('D')]);

        const read = await store.readStreams([`${prefix}-s2`, `${prefix}-none`, `${prefix}-s1`]);

        expect([...read.keys()].sort()).toEqual(
          [`${prefix}-none`, `${prefix}-s1`, `${prefix}-s2`].sort(),
        );
        expect(read.get(`${prefix}-s2`)!.map((e) => [e.type, e.revision])).toEqual([
          ['A', 0],
          ['B', 1],
          ['D', 2],
        ]);
        expect(read.get(`${prefix}-s1`)).toEqual(await store.readStream(`${prefix}-s1`));
        expect(read.get(`${prefix}-none`)).toEqual([]);
        expect(await store.readStreams([])).toEqual(new Map());
      });

      it('should read the global log after a position, filtered by stream prefix', async () => {
        await store.append(`${prefix}-i1`, [event('A')]);
        await store.append(`other-${prefix}`, [event('X')]);
        const second = await store.append(`${prefix}-i2`, [event('B'), event('C')]);
        const filter = { streamPrefixes: [prefix] };

        const all = await store.readAll({ filter });
        const afterFirst = await store.readAll({ filter, after: all[0]!.position });

        expect(all.map((e) => e.type)).toEqual(['A', 'B', 'C']);
        expect(afterFirst.map((e) => e.type)).toEqual(['B', 'C']);
        expect(await store.readAll({ filter, after: all[0]!.position, maxCount: 1 })).toHaveLength(
          1,
        );
        const head = await store.headPosition(filter);
        expect(head && comparePositions(head, second.position)).toBe(0);
      });
    });

    describe('subscribeToAll', () => {
      it('should catch up on past events, say so, then deliver new ones live', async () => {
        const filter = { streamPrefixes: [prefix] };
        await store.append(`${prefix}-j`, [event('Past1'), event('Past2')]);
        const seen: RecordedEvent[] = [];
        let caughtUpAt = -1;

        const subscription = store.subscribeToAll(
          {
            onEvents: (events) => {
              seen.push(...events);
            },
            onCaughtUp: () => {
              caughtUpAt = seen.length;
            },
          },
          { filter },
        );
        await subscription.caughtUp;
        await store.append(`${prefix}-k`, [event('Live')]);
        await waitFor(() => seen.length === 3);
        await subscription.close();

        expect(caughtUpAt).toBe(2);
        expect(seen.map((e) => e.type)).toEqual(['Past1', 'Past2', 'Live']);
      });

      it('should start after a given position, exclusively', async () => {
        const filter = { streamPrefixes: [prefix] };
        const first = await store.append(`${prefix}-l`, [event('One')]);
        await store.append(`${prefix}-l`, [event('Two')]);
        const seen: string[] = [];

        const subscription = store.subscribeToAll(
          { onEvents: (events) => void seen.push(...events.map((e) => e.type)) },
          { filter, after: first.position },
        );
        await subscription.caughtUp;
        await subscription.close();

        expect(seen).toEqual(['Two']);
      });

      it('should deliver nothing after close', async () => {
        const filter = { streamPrefixes: [prefix] };
        const seen: string[] = [];
        const subscription = store.subscribeToAll(
          { onEvents: (events) => void seen.push(...events.map((e) => e.type)) },
          { filter },
        );
        await subscription.caughtUp;

        await subscription.close();
        await store.append(`${prefix}-m`, [event('Late')]);
        await new Promise((resolve) => setTimeout(resolve, 50));

        expect(seen).toEqual([]);
      });
    });

    describe('deleteStream', () => {
      it('should make a deleted stream read as missing and leave others alone', async () => {
        await store.append(`${prefix}-n`, [event('A')]);
        await store.append(`${prefix}-o`, [event('B')]);

        await store.deleteStream(`${prefix}-n`);

        expect(await store.readStream(`${prefix}-n`)).toEqual([]);
        expect(await store.readStream(`${prefix}-o`)).toHaveLength(1);
        const both = await store.readStreams?.([`${prefix}-n`, `${prefix}-o`]);
        if (both) expect([...both.values()].map((events) => events.length)).toEqual([0, 1]);
        const all = await store.readAll({ filter: { streamPrefixes: [prefix] } });
        expect(all.map((e) => e.type)).toEqual(['B']);
      });
    });
  });
}
