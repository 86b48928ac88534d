import { describe, expect, it } from 'vitest';
import type { FailoverSendInput, Receipt } from '../../src/index.js';
import { alimTalk, failoverOf } from './failover-support.js';
import {
  aReceipt,
  fakeProvider,
  MINUTE,
  reached,
  recordOf,
  recordSend,
  sendContext,
  sendResult,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

const failure = (extra: Partial<Receipt> = {}): Receipt =>
  aReceipt('p-m-1', 'FAILED', { providerStatus: '3104', errorCode: '3104', ...extra });

describe('a failover sender that never answers', () => {
  it('should be given up after requestTimeoutMs and recorded as failed, without holding up the report', async () => {
    const hanging = (_input: FailoverSendInput) => new Promise<never>(() => {});
    const ledger = ledgers.open({
      apiFailover: { sender: hanging },
      polling: { requestTimeoutMs: 50 },
    });
    await recordSend(ledger.service, alimTalk('m-1'));

    const outcome = await ledger.service.ingestReceipt(failure());

    expect(outcome.outcome).toBe('applied');
    expect(failoverOf(await recordOf(ledger.service, 'm-1'))?.apiAttempt).toMatchObject({
      attempted: true,
      outcome: 'failed',
      errorCode: 'API_FAILOVER_SEND_TIMEOUT',
    });
  });

  it('should record a sender that answers something that is not a Result as a failed attempt', async () => {
    const nonsense = async () => 'sent!' as never;
    const ledger = ledgers.open({ apiFailover: { sender: nonsense } });
    await recordSend(ledger.service, alimTalk('m-1'));

    await ledger.service.ingestReceipt(failure());

    expect(failoverOf(await recordOf(ledger.service, 'm-1'))?.apiAttempt).toMatchObject({
      outcome: 'failed',
      errorCode: 'API_FAILOVER_INVALID_RESULT',
    });
  });
});

describe('sends that could never be tracked', () => {
  it.each([
    ['a timestamp beyond the range of Date', { timestamp: 1e300 }, 'context.timestamp'],
    ['a time without a zone', { timestamp: '2026-11-30T10:00:00' }, 'context.timestamp'],
    ['a day that does not exist', { timestamp: '2026-02-30T10:00:00Z' }, 'context.timestamp'],
    ['a message id of 300 characters', { messageId: 'x'.repeat(300) }, 'context.messageId'],
    ['a message id that is not well-formed text', { messageId: 'a\ud800b' }, 'context.messageId'],
  ])('should refuse %s, naming the field, and write nothing', async (_, change, path) => {
    const { service } = ledgers.open();
    const context = { ...sendContext({ messageId: 'm-1' }), ...change };

    await expect(
      service.recordSend(context as never, sendResult({ messageId: 'm-1' })),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path,
    });
    expect(await service.countRecords()).toBe(0);
  });

  it('should refuse custom fields nested too deep to read back', async () => {
    const { service } = ledgers.open();
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = [deep];
    const context = sendContext({ messageId: 'm-1' });
    context.options.options = { customFields: { deep } };

    await expect(
      service.recordSend(context, sendResult({ messageId: 'm-1' })),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('levels of nesting'),
    });
  });
});

describe('receipts with parts that do not add up', () => {
  it.each([[{ index: -1, count: 0 }], [{ index: 3, count: 2 }], [{ index: 'a', count: null }]])(
    'should refuse the segment %j and change nothing',
    async (segment) => {
      const { service } = ledgers.open();
      await recordSend(service, { messageId: 'm-1' });

      await expect(
        service.ingestReceipt(aReceipt('p-m-1', 'DELIVERED', { segment } as never)),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: 'receipt.segment' });
      expect((await recordOf(service, 'm-1')).status).toBe('SENT');
    },
  );
});

describe('provider payloads too large to keep whole', () => {
  it('should record a check answer with a huge raw payload, keeping its start, and back off', async () => {
    const huge = { text: 'x'.repeat(2 * 1024 * 1024) };
    const provider = fakeProvider('solapi', (query) => reached(query, 'SENT', { raw: huge }));
    const { service, clock } = ledgers.open({ providers: [provider] });
    await recordSend(service, { messageId: 'm-1' });
    clock.set(T0 + 10 * MINUTE);

    const run = await service.runOnce();

    expect(run).toMatchObject({ checked: 1, failed: 0 });
    const record = await recordOf(service, 'm-1');
    expect(record.attemptCount).toBe(1);
    expect(record.raw).toMatchObject({ truncated: true, length: expect.any(Number) });
  });
});

describe('library calls with arguments of the wrong kind', () => {
  it('should answer each with a typed error that names what was expected', async () => {
    const { service } = ledgers.open();

    await expect(
      service.listRecords({ limit: 1, requestedAtFrom: 'x' } as never),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: 'options.requestedAtFrom' });
    await expect(service.listRecords({ limit: 1, status: 'BOGUS' } as never)).rejects.toMatchObject(
      {
        code: 'INVALID_INPUT',
      },
    );
    await expect(service.countBy({}, 'status' as never)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'groupBy',
    });
    expect(() => service.statusChanges({ from: 0 } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_INPUT', path: 'from' }),
    );
    expect(() => ledgers.open({ now: 5 as never })).toThrow(
      expect.objectContaining({ path: 'now' }),
    );
    expect(() => ledgers.open({ eventStore: {} as never })).toThrow(
      expect.objectContaining({ path: 'eventStore' }),
    );
  });
});
