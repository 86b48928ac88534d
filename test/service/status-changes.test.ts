import type { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parsePosition, type StatusChange, ValidationError } from '../../src/index.js';
import { HookedEventStore } from './hooked-event-store.js';
import {
  aReceipt,
  eventually,
  fakeProvider,
  MINUTE,
  recordSend,
  recordSends,
  SECOND,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

/** Subscribes, and keeps what the stream emits, whether it completed, and its error. */
function collect(stream: Observable<StatusChange>) {
  const seen = { changes: [] as StatusChange[], completed: false, error: undefined as unknown };
  const subscription = stream.subscribe({
    next: (change) => seen.changes.push(change),
    complete: () => {
      seen.completed = true;
    },
    error: (error: unknown) => {
      seen.error = error;
    },
  });
  return Object.assign(seen, { unsubscribe: () => subscription.unsubscribe() });
}

const summary = (c: StatusChange) => `${c.messageId}:${c.previousStatus}->${c.status}`;

describe('status changes as they happen', () => {
  it('should emit each change with its cause, time and position', async () => {
    const { service, clock } = ledgers.open();
    const seen = collect(service.statusChanges());
    clock.set(T0 + SECOND);
    await recordSend(service, { messageId: 'm-1' });
    clock.set(T0 + 2 * MINUTE);
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));

    const history = await service.history('m-1');
    expect(seen.changes).toEqual([
      {
        messageId: 'm-1',
        providerId: 'solapi',
        previousStatus: null,
        status: 'SENT',
        changedAt: new Date(T0 + SECOND),
        cause: 'send',
        position: history[0]?.position,
      },
      {
        messageId: 'm-1',
        providerId: 'solapi',
        previousStatus: 'SENT',
        status: 'DELIVERED',
        changedAt: new Date(T0 + 2 * MINUTE),
        cause: 'receipt',
        position: history[2]?.position,
      },
    ]);
    seen.unsubscribe();
  });

  it('should emit only changes made after subscribing when no replay is asked for', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    const seen = collect(service.statusChanges());

    await service.ingestReceipt(aReceipt('p-m-1', 'FAILED'));

    expect(seen.changes.map(summary)).toEqual(['m-1:SENT->FAILED']);
    seen.unsubscribe();
  });

  it('should keep to the message, provider and statuses asked for', async () => {
    const provider = fakeProvider('solapi', () => {
      throw new Error('down');
    });
    const { service, clock } = ledgers.open({ providers: [provider] });
    const byMessage = collect(service.statusChanges({ messageId: 'm-2' }));
    const byProvider = collect(service.statusChanges({ providerId: 'iwinv' }));
    const failed = collect(service.statusChanges({ status: 'FAILED' }));
    const finals = collect(service.statusChanges({ status: ['DELIVERED', 'UNKNOWN'] }));
    await recordSend(service, { messageId: 'm-1' });
    await recordSend(service, { messageId: 'm-2' });
    await recordSend(service, { messageId: 'm-3', providerId: 'iwinv' });

    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));
    await service.ingestReceipt(aReceipt('p-m-2', 'FAILED'));
    clock.set(T0 + 30 * SECOND);
    await service.runOnce();

    expect(byMessage.changes.map(summary)).toEqual(['m-2:null->SENT', 'm-2:SENT->FAILED']);
    expect(byProvider.changes.map(summary)).toEqual(['m-3:null->SENT', 'm-3:SENT->UNKNOWN']);
    expect(failed.changes.map(summary)).toEqual(['m-2:SENT->FAILED']);
    expect(finals.changes.map(summary)).toEqual(['m-1:SENT->DELIVERED', 'm-3:SENT->UNKNOWN']);
    for (const seen of [byMessage, byProvider, failed, finals]) seen.unsubscribe();
  });

  it('should mark a change that settled an UNKNOWN message late', async () => {
    const { service, clock } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    clock.set(T0 + 30 * SECOND);
    await service.runOnce();
    const seen = collect(service.statusChanges({ messageId: 'm-1' }));

    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));

    expect(seen.changes).toMatchObject([
      { previousStatus: 'UNKNOWN', status: 'DELIVERED', cause: 'receipt', settledLate: true },
    ]);
    seen.unsubscribe();
  });
});

describe('status changes replayed from a position', () => {
  it("should replay every past change from 'start', then go on live", async () => {
    const { service } = ledgers.open();
    await recordSends(service, 3);
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));
    const seen = collect(service.statusChanges({ from: 'start' }));

    await eventually(async () => expect(seen.changes).toHaveLength(4));
    await service.ingestReceipt(aReceipt('p-m-2', 'FAILED'));

    expect(seen.changes.map(summary).sort()).toEqual([
      'm-0:null->SENT',
      'm-1:SENT->DELIVERED',
      'm-1:null->SENT',
      'm-2:SENT->FAILED',
      'm-2:null->SENT',
    ]);
    expectIncreasingPositions(seen.changes);
    seen.unsubscribe();
  });

  it('should replay only the changes after a given position', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    await service.ingestReceipt(aReceipt('p-m-1', 'SENT', { providerStatus: 'ACCEPTD' }));
    await recordSend(service, { messageId: 'm-2' });
    await service.ingestReceipt(aReceipt('p-m-2', 'DELIVERED'));
    const [sent] = await service.history('m-1');

    const fromText = collect(service.statusChanges({ from: sent!.position }));
    const fromPosition = collect(service.statusChanges({ from: parsePosition(sent!.position)! }));

    for (const seen of [fromText, fromPosition]) {
      await eventually(async () => expect(seen.changes).toHaveLength(2));
      expect(seen.changes.map(summary)).toEqual(['m-2:null->SENT', 'm-2:SENT->DELIVERED']);
      seen.unsubscribe();
    }
  });

  it.each(['before', 'after'] as const)(
    'should emit a change appended while the replay reads (%s its read) once, in order',
    async (when) => {
      const store = new HookedEventStore(ledgers.newFile());
      const { service } = ledgers.open({
        eventStore: store,
        projectionStore: store.projectionStore(),
      });
      await recordSends(service, 3);
      store.nextReadAll = {
        when,
        run: async () => {
          await recordSend(service, { messageId: 'm-late' });
          await service.ingestReceipt(aReceipt('p-m-0', 'DELIVERED'));
        },
      };

      const seen = collect(service.statusChanges({ from: 'start' }));
      await eventually(async () => expect(seen.changes).toHaveLength(5));
      await service.ingestReceipt(aReceipt('p-m-late', 'FAILED'));

      expect(seen.changes.map(summary)).toEqual([
        'm-0:null->SENT',
        'm-1:null->SENT',
        'm-2:null->SENT',
        'm-late:null->SENT',
        'm-0:SENT->DELIVERED',
        'm-late:SENT->FAILED',
      ]);
      expectIncreasingPositions(seen.changes);
      seen.unsubscribe();
    },
  );

  it('should refuse a position that cannot be read, naming the option', async () => {
    const { service } = ledgers.open();

    let error: unknown;
    try {
      error = collect(service.statusChanges({ from: 'yesterday' })).error;
    } catch (thrown) {
      error = thrown;
    }

    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', path: 'from' });
    expect((error as Error).message).toContain('yesterday');
  });
});

describe("watching one message's changes", () => {
  it('should emit its changes from its first and complete at a final status', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1', scheduledAt: new Date(T0 + MINUTE) });
    await recordSend(service, { messageId: 'm-2' });
    const seen = collect(service.watch('m-1'));
    await eventually(async () => expect(seen.changes).toHaveLength(1));

    await service.ingestReceipt(aReceipt('p-m-2', 'DELIVERED'));
    await service.ingestReceipt(aReceipt('p-m-1', 'SENT'));
    expect(seen.completed).toBe(false);
    await service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED'));

    expect(seen.changes.map(summary)).toEqual([
      'm-1:null->PENDING',
      'm-1:PENDING->SENT',
      'm-1:SENT->DELIVERED',
    ]);
    expect(seen.completed).toBe(true);
  });

  it('should replay and complete at once for a message already final', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });
    await service.ingestReceipt(aReceipt('p-m-1', 'CANCELLED'));

    const seen = collect(service.watch('m-1'));

    await eventually(async () => expect(seen.completed).toBe(true));
    expect(seen.changes.map(summary)).toEqual(['m-1:null->SENT', 'm-1:SENT->CANCELLED']);
  });

  it('should give each of 1000 watchers exactly the changes of its own message', async () => {
    const { service } = ledgers.open();
    const ids = await recordSends(service, 1000);
    const watchers = ids.map((id) => collect(service.watch(id)));
    await eventually(async () => expect(watchers.every((w) => w.changes.length === 1)).toBe(true));

    await Promise.all(
      ids.map((id, i) =>
        service.ingestReceipt(aReceipt(`p-${id}`, i % 2 ? 'FAILED' : 'DELIVERED')),
      ),
    );

    for (const [i, watcher] of watchers.entries()) {
      const final = i % 2 ? 'FAILED' : 'DELIVERED';
      expect(watcher.changes.map(summary)).toEqual([`m-${i}:null->SENT`, `m-${i}:SENT->${final}`]);
      expect(watcher.completed).toBe(true);
    }
  });
});

function expectIncreasingPositions(changes: readonly StatusChange[]): void {
  const positions = changes.map((change) => BigInt(change.position));
  for (let i = 1; i < positions.length; i++) {
    expect(
      positions[i]! > positions[i - 1]!,
      `position ${positions[i]} after ${positions[i - 1]}`,
    ).toBe(true);
  }
}
