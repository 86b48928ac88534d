import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Position, position } from '../../src/eventstore/position.js';
import type { ParkedReceipt } from '../../src/machines/parked-receipt.js';
import type { DeliveryState } from '../../src/machines/state.js';
import type { DeliveryStatus } from '../../src/machines/status.js';
import type { ProjectionStore } from '../../src/projections/projection-store.js';
import { shardHash } from '../../src/projections/projection-store.js';

export interface ProjectionStoreFixture {
  readonly store: ProjectionStore;
  dispose?(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 1);

export function state(messageId: string, overrides: Partial<DeliveryState> = {}): DeliveryState {
  return {
    messageId,
    providerId: 'p1',
    providerMessageId: `PM-${messageId}`,
    type: 'SMS',
    to: '01000000000',
    requestedAt: T0,
    status: 'SENT',
    statusUpdatedAt: T0,
    attemptCount: 0,
    nextCheckAt: T0 + 30_000,
    ...overrides,
  };
}

function parked(receiptKey: string, overrides: Partial<ParkedReceipt> = {}): ParkedReceipt {
  return {
    receiptKey,
    providerId: 'p1',
    providerMessageId: '00ABC',
    providerMessageKey: 'abc',
    status: 'DELIVERED',
    providerStatus: 'DELIVRD',
    raw: 'id:00ABC stat:DELIVRD',
    parkedAt: T0,
    expiresAt: T0 + 1000,
    ...overrides,
  };
}

let checkpoint = 0;
const next = (): Position => position(++checkpoint);

/**
 * The behaviour every projection store adapter must have. Each adapter's test
 * file calls this with a factory that makes a fresh, empty store.
 */
export function describeProjectionStoreContract(
  name: string,
  makeStore: () => Promise<ProjectionStoreFixture>,
): void {
  describe(`${name} projection store contract`, () => {
    let fixture: ProjectionStoreFixture;
    let store: ProjectionStore;

    beforeEach(async () => {
      fixture = await makeStore();
      store = fixture.store;
    });

    afterEach(async () => {
      await store.close();
      await fixture.dispose?.();
    });

    describe('records and checkpoint', () => {
      it('should start empty, with no checkpoint', async () => {
        expect(await store.readCheckpoint()).toBeNull();
        expect(await store.get('m-1')).toBeUndefined();
        expect(await store.count({})).toBe(0);
      });

      it('should write rows and the checkpoint together and read them back', async () => {
        const at = position(7n, 5n);
        await store.commit({ upserts: [state('m-1'), state('m-2')], checkpoint: at });

        expect(await store.readCheckpoint()).toEqual(at);
        expect(await store.get('m-1')).toEqual(state('m-1'));
        const many = await store.getStates(['m-1', 'm-2', 'm-3']);
        expect([...many.keys()].sort()).toEqual(['m-1', 'm-2']);
      });

      it('should keep checkpoints with values beyond 2^53 exactly', async () => {
        const huge = position(2n ** 62n + 3n, 2n ** 62n + 1n);
        await store.commit({ upserts: [], checkpoint: huge });

        expect(await store.readCheckpoint()).toEqual(huge);
      });

      it('should replace a row on upsert and remove it on delete', async () => {
        await store.commit({ upserts: [state('m-1')], checkpoint: next() });
        await store.commit({
          upserts: [state('m-1', { status: 'DELIVERED', statusUpdatedAt: T0 + 5 })],
          checkpoint: next(),
        });
        expect((await store.get('m-1'))?.status).toBe('DELIVERED');

        await store.commit({ upserts: [], deletes: ['m-1'], checkpoint: next() });
        expect(await store.get('m-1')).toBeUndefined();
        expect(await store.findByProviderMessageKeys('p1', ['pm-m-1'])).toEqual([]);
      });

      it('should not keep the receipt keys that only the write side needs', async () => {
        await store.commit({
          upserts: [state('m-1', { receiptKeys: ['k1'] })],
          checkpoint: next(),
        });

        expect(await store.get('m-1')).not.toHaveProperty('receiptKeys');
      });
    });

    describe('due checks', () => {
      it('should list open messages due at a time, earliest first, up to a limit', async () => {
        await store.commit({
          upserts: [
            state('late', { nextCheckAt: T0 + 300 }),
            state('early', { nextCheckAt: T0 + 100 }),
            state('later', { nextCheckAt: T0 + 900 }),
            state('done', { status: 'DELIVERED', nextCheckAt: T0 }),
            state('pending', { status: 'PENDING', nextCheckAt: T0 + 200 }),
          ],
          checkpoint: next(),
        });

        expect(await store.listDue(T0 + 500, 10)).toEqual(['early', 'pending', 'late']);
        expect(await store.listDue(T0 + 500, 2)).toEqual(['early', 'pending']);
        expect(await store.listDue(T0, 10)).toEqual([]);
      });

      it('should follow a message whose next check moved or that ended', async () => {
        await store.commit({ upserts: [state('m', { nextCheckAt: T0 })], checkpoint: next() });
        await store.commit({
          upserts: [state('m', { nextCheckAt: T0 + 1000 })],
          checkpoint: next(),
        });
        expect(await store.listDue(T0 + 10, 10)).toEqual([]);
        expect(await store.listDue(T0 + 1000, 10)).toEqual(['m']);

        await store.commit({
          upserts: [state('m', { status: 'FAILED', nextCheckAt: T0 + 1000 })],
          checkpoint: next(),
        });
        expect(await store.listDue(T0 + 5000, 10)).toEqual([]);
      });

      it('should split due messages among shards by a stable hash of the message id', async () => {
        const ids = Array.from({ length: 40 }, (_, i) => `msg-${i}`);
        await store.commit({
          upserts: ids.map((id) => state(id, { nextCheckAt: T0 })),
          checkpoint: next(),
        });

        const shard0 = await store.listDue(T0, 100, { index: 0, count: 3 });
        const shard1 = await store.listDue(T0, 100, { index: 1, count: 3 });
        const shard2 = await store.listDue(T0, 100, { index: 2, count: 3 });

        expect([...shard0, ...shard1, ...shard2].sort()).toEqual([...ids].sort());
        for (const id of shard1) expect(shardHash(id) % 3).toBe(1);
      });
    });

    describe('receipt matching', () => {
      it('should find messages by provider and normalized provider message id', async () => {
        await store.commit({
          upserts: [
            state('a', { providerMessageId: '000ABC12' }),
            state('b', { providerId: 'p2', providerMessageId: 'abc12' }),
          ],
          checkpoint: next(),
        });

        expect(await store.findByProviderMessageKeys('p1', ['abc12'])).toEqual(['a']);
        expect(await store.findByProviderMessageKeys('p2', ['zzz', 'abc12'])).toEqual(['b']);
        expect(await store.findByProviderMessageKeys('p3', ['abc12'])).toEqual([]);
      });
    });

    describe('listing and counting', () => {
      const rows = (): DeliveryState[] => [
        state('a', {
          requestedAt: T0 + 1,
          statusUpdatedAt: T0 + 30,
          status: 'DELIVERED',
          type: 'SMS',
        }),
        state('b', {
          requestedAt: T0 + 2,
          statusUpdatedAt: T0 + 20,
          status: 'FAILED',
          type: 'LMS',
        }),
        state('c', {
          requestedAt: T0 + 2,
          statusUpdatedAt: T0 + 10,
          status: 'SENT',
          providerId: 'p2',
        }),
        state('d', { requestedAt: T0 + 3, statusUpdatedAt: T0 + 40, status: 'SENT', from: '1588' }),
      ];

      beforeEach(async () => {
        await store.commit({ upserts: rows(), checkpoint: next() });
      });

      const ids = (list: DeliveryState[]) => list.map((s) => s.messageId);

      it('should order by requestedAt descending by default, ties by message id', async () => {
        expect(ids(await store.list({ limit: 10 }))).toEqual(['d', 'c', 'b', 'a']);
        expect(ids(await store.list({ limit: 10, orderDirection: 'asc' }))).toEqual([
          'a',
          'b',
          'c',
          'd',
        ]);
        expect(ids(await store.list({ limit: 10, orderBy: 'statusUpdatedAt' }))).toEqual([
          'd',
          'a',
          'b',
          'c',
        ]);
      });

      it('should page with limit and offset', async () => {
        expect(ids(await store.list({ limit: 2, offset: 1 }))).toEqual(['c', 'b']);
      });

      it('should filter by values, lists of values and inclusive time ranges', async () => {
        expect(ids(await store.list({ limit: 10, status: 'SENT' }))).toEqual(['d', 'c']);
        expect(ids(await store.list({ limit: 10, status: ['FAILED', 'DELIVERED'] }))).toEqual([
          'b',
          'a',
        ]);
        expect(ids(await store.list({ limit: 10, providerId: 'p2' }))).toEqual(['c']);
        expect(ids(await store.list({ limit: 10, from: '1588' }))).toEqual(['d']);
        expect(ids(await store.list({ limit: 10, providerMessageId: ['PM-a', 'PM-d'] }))).toEqual([
          'd',
          'a',
        ]);
        expect(
          ids(
            await store.list({
              limit: 10,
              requestedAtFrom: new Date(T0 + 2),
              requestedAtTo: new Date(T0 + 2),
            }),
          ),
        ).toEqual(['c', 'b']);
        expect(
          ids(await store.list({ limit: 10, statusUpdatedAtFrom: new Date(T0 + 30) })),
        ).toEqual(['d', 'a']);
      });

      it('should count with a filter and group counts by fields', async () => {
        expect(await store.count({})).toBe(4);
        expect(await store.count({ type: 'LMS' })).toBe(1);

        const byStatus = await store.countBy({}, ['status']);
        const counts = Object.fromEntries(byStatus.map((r) => [r.key.status, r.count]));
        expect(counts).toEqual({ DELIVERED: 1, FAILED: 1, SENT: 2 });

        const byTwo = await store.countBy({ status: 'SENT' }, ['providerId', 'status']);
        expect(byTwo.sort((x, y) => (x.key.providerId! < y.key.providerId! ? -1 : 1))).toEqual([
          { key: { providerId: 'p1', status: 'SENT' }, count: 1 },
          { key: { providerId: 'p2', status: 'SENT' }, count: 1 },
        ]);
      });
    });

    describe('parked receipts', () => {
      it('should keep waiting receipts, find them by provider key, and drop them', async () => {
        await store.commit({
          upserts: [],
          parked: [parked('r1'), parked('r2', { parkedAt: T0 + 1, providerMessageKey: 'zz' })],
          checkpoint: next(),
        });

        expect((await store.findParked('p1', ['abc'])).map((r) => r.receiptKey)).toEqual(['r1']);
        expect((await store.listParked({ limit: 10 })).map((r) => r.receiptKey)).toEqual([
          'r1',
          'r2',
        ]);
        expect(await store.listParked({ limit: 10, providerId: 'p9' })).toEqual([]);
        expect((await store.listExpiredParked(T0 + 1000, 10)).map((r) => r.receiptKey)).toEqual([
          'r1',
          'r2',
        ]);
        expect(await store.listExpiredParked(T0 + 999, 10)).toEqual([]);

        await store.commit({ upserts: [], unparked: ['r1'], checkpoint: next() });
        expect((await store.listParked({ limit: 10 })).map((r) => r.receiptKey)).toEqual(['r2']);
        expect(await store.findParked('p1', ['abc'])).toEqual([]);
      });
    });

    describe('rebuild', () => {
      it('should fill a fresh copy while the live one keeps serving, then swap it in', async () => {
        await store.commit({ upserts: [state('old')], checkpoint: position(1) });
        const target = await store.beginRebuild();
        expect(await target.readCheckpoint()).toBeNull();

        await target.commit({
          upserts: [state('new', { status: 'DELIVERED' as DeliveryStatus })],
          checkpoint: position(2),
        });
        expect(await store.get('old')).toBeDefined();
        expect(await store.get('new')).toBeUndefined();

        await target.swapIn();
        expect(await store.get('old')).toBeUndefined();
        expect((await store.get('new'))?.status).toBe('DELIVERED');
        expect(await store.readCheckpoint()).toEqual(position(2));
        expect(await store.listDue(T0 + 10_000_000, 10)).toEqual([]);
      });

      it('should leave the live copy untouched when a rebuild is abandoned', async () => {
        await store.commit({ upserts: [state('old')], checkpoint: position(1) });
        const target = await store.beginRebuild();
        await target.commit({ upserts: [state('new')], checkpoint: position(2) });

        await target.abandon();

        expect(await store.get('old')).toBeDefined();
        expect(await store.readCheckpoint()).toEqual(position(1));
      });
    });
  });
}
