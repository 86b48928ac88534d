import { describe, expect, it } from 'vitest';
import { fail, ok, SqliteEventStore } from '../../src/index.js';
import { alimTalk, FAILOVER_REQUEST, failoverOf, fakeSender } from './failover-support.js';
import {
  aReceipt,
  DAY,
  eventually,
  fakeProvider,
  gate,
  HOUR,
  MINUTE,
  reached,
  recordOf,
  recordSend,
  T0,
  useLedgers,
} from './support.js';
import { expectValidHistory } from './valid-history.js';

const ledgers = useLedgers();

const NOW = T0 + 5 * MINUTE;
const failure = (id = 'p-m-1', at = T0 + MINUTE) =>
  aReceipt(id, 'FAILED', { providerStatus: '3104', occurredAt: new Date(at) });

describe('a failover that cannot be attempted', () => {
  it('should be skipped with FALLBACK_CONTENT_MISSING when the send gave no content', async () => {
    const sender = fakeSender();
    const { service, clock } = ledgers.open({ apiFailover: { sender } });
    await recordSend(
      service,
      alimTalk('m-1', { failover: { enabled: true, fallbackContent: ' ' } }),
    );
    clock.set(NOW);

    await service.ingestReceipt(failure());

    expect(sender.calls).toHaveLength(0);
    expect(failoverOf(await recordOf(service, 'm-1'))?.apiAttempt).toMatchObject({
      attempted: true,
      attemptedAt: new Date(NOW).toISOString(),
      outcome: 'skipped',
      warningCode: 'FALLBACK_CONTENT_MISSING',
      warningMessage: 'failover.fallbackContent is required for API-level fallback',
    });
  });

  it('should be skipped with API_FAILOVER_SENDER_MISSING when no sender is set', async () => {
    const { service } = ledgers.open({ apiFailover: {} });
    await recordSend(service, alimTalk('m-1'));

    await service.ingestReceipt(failure());

    expect(failoverOf(await recordOf(service, 'm-1'))?.apiAttempt).toMatchObject({
      attempted: true,
      outcome: 'skipped',
      warningCode: 'API_FAILOVER_SENDER_MISSING',
    });
  });
});

describe('a failover whose send does not go through', () => {
  it("should record the sender's failure", async () => {
    const sender = fakeSender(() => fail({ code: 'INVALID_SENDER', message: 'unregistered' }));
    const { service } = ledgers.open({ apiFailover: { sender } });
    await recordSend(service, alimTalk('m-1'));

    await service.ingestReceipt(failure());

    expect(failoverOf(await recordOf(service, 'm-1'))?.apiAttempt).toMatchObject({
      attempted: true,
      outcome: 'failed',
      errorCode: 'INVALID_SENDER',
      errorMessage: 'unregistered',
    });
  });

  it('should record API_FAILOVER_SEND_EXCEPTION when the sender throws', async () => {
    const sender = fakeSender(() => {
      throw new Error('socket closed');
    });
    const { service } = ledgers.open({ apiFailover: { sender } });
    await recordSend(service, alimTalk('m-1'));

    const outcome = await service.ingestReceipt(failure());

    expect(outcome).toMatchObject({ outcome: 'applied', status: 'FAILED' });
    expect(failoverOf(await recordOf(service, 'm-1'))?.apiAttempt).toMatchObject({
      outcome: 'failed',
      errorCode: 'API_FAILOVER_SEND_EXCEPTION',
      errorMessage: 'socket closed',
    });
  });

  it('should not try again on a later report', async () => {
    const sender = fakeSender(() => fail({ code: 'INVALID_SENDER', message: 'unregistered' }));
    const { service } = ledgers.open({ apiFailover: { sender } });
    await recordSend(service, alimTalk('m-1'));

    await service.ingestReceipt(failure());
    await service.ingestReceipt(failure('p-m-1', T0 + 2 * MINUTE));

    expect(sender.calls).toHaveLength(1);
  });
});

describe('a failover', () => {
  it('should happen at most once, whatever follows, even after a restart', async () => {
    const sender = fakeSender();
    const first = ledgers.open({ apiFailover: { sender } });
    await recordSend(first.service, alimTalk('m-1'));
    await first.service.ingestReceipt(failure());
    await first.service.ingestReceipt(failure());
    await first.service.ingestReceipt(failure('0P-M-1', T0 + 2 * MINUTE));
    first.clock.set(T0 + 2 * DAY);
    await first.service.runOnce();
    await first.service.close();

    const { service } = ledgers.open({ file: first.file, apiFailover: { sender } });
    await service.ingestReceipt(failure('p-m-1', T0 + 3 * MINUTE));
    await service.rebuildProjections();
    await service.ingestReceipt(failure('p-m-1', T0 + 4 * MINUTE));

    expect(sender.calls).toHaveLength(1);
    const types = (await service.history('m-1')).map((entry) => entry.type);
    expect(types.filter((type) => type === 'FailoverStarted')).toHaveLength(1);
    expect(types.filter((type) => type === 'FailoverFinished')).toHaveLength(1);
  });

  // Bug in src (the failover step after an outcome, FailoverRunner.afterChange, formerly
  // DeliveryTrackingService.#afterChange): it sends whenever the message shows an attempt in
  // flight after 'failover.consider', not only when this call started it. Two callers that both
  // saw FAILED with no attempt both go on: the second's FailoverStarted is either the very same
  // event (same revision, same time: the store takes it as a retry) or loses and re-reads an
  // attempt 'attempting' with no outcome. Either way the sender is called twice.
  it('should happen once when failure reports of one message arrive at once', async () => {
    const sender = fakeSender();
    const { service } = ledgers.open({ apiFailover: { sender } });
    const ids = Array.from({ length: 20 }, (_, i) => `m-${i}`);
    for (const id of ids) await recordSend(service, alimTalk(id));

    await Promise.all(
      ids.flatMap((id) => [
        service.ingestReceipt(failure(`p-${id}`, T0 + MINUTE)),
        service.ingestReceipt(failure(`p-${id}`, T0 + 2 * MINUTE)),
        service.ingestReceipt(failure(`p-${id}`, T0 + 3 * MINUTE)),
      ]),
    );

    const sent = sender.calls.map((call) => call.input.messageId).sort();
    expect(sent).toEqual(ids.map((id) => `${id}:api-fallback`).sort());
    for (const id of ids) expectValidHistory(await service.history(id));
  });

  // The same bug across two instances on one file: b decides from its remembered state, its
  // appends match a's events by id and pass as retries, and b sends the SMS a is sending.
  it('should happen once when two instances take one report while it is sent', async () => {
    // Instance b recorded the send, so it remembers the message as SENT.
    // Instance a takes the failure report and starts the fallback SMS; while
    // that send is in flight, the provider delivers the same report to b.
    const sending = gate();
    const senderOfA = fakeSender(async (input) => {
      await sending.opened;
      return ok({ messageId: input.messageId, providerId: 'solapi-sms' });
    });
    const senderOfB = fakeSender();
    const b = ledgers.open({ apiFailover: { sender: senderOfB } });
    const a = ledgers.open({ file: b.file, clock: b.clock, apiFailover: { sender: senderOfA } });
    await recordSend(b.service, alimTalk('m-1', { failover: FAILOVER_REQUEST }));
    await eventually(async () => expect(await a.service.getRecord('m-1')).toBeDefined());

    const atA = a.service.ingestReceipt(failure());
    await eventually(async () => expect(senderOfA.calls).toHaveLength(1));
    const atB = await b.service.ingestReceipt(failure());
    sending.open();
    await atA;

    expect(atB.status).toBe('FAILED');
    expect(senderOfA.calls.length + senderOfB.calls.length).toBe(1);
  });
});

describe('the failover sends of one polling run', () => {
  const failing = () =>
    fakeProvider('solapi', (query) =>
      reached(query, 'FAILED', { statusCode: '3104', statusMessage: '카카오톡 미사용자' }),
    );

  it('should be no more at once than polling.concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    const sender = fakeSender(async (input) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 20));
      inFlight--;
      return ok({ messageId: input.messageId, providerId: 'solapi-sms' });
    });
    const { service, clock } = ledgers.open({
      providers: [failing()],
      apiFailover: { sender },
      polling: { concurrency: 2 },
    });
    for (let i = 0; i < 6; i++) await recordSend(service, alimTalk(`m-${i}`));
    clock.set(T0 + HOUR);

    expect(await service.runOnce()).toEqual({ checked: 6, changed: 6, failed: 0 });

    expect(sender.calls).toHaveLength(6);
    expect(most).toBe(2);
  });

  it('should stop with the checks when the service closes, leaving the rest to the next run', async () => {
    const sending = gate();
    const first = fakeSender(async (input, { signal }) => {
      await sending.opened;
      signal?.throwIfAborted(); // as a sender built on fetch() would
      return ok({ messageId: input.messageId, providerId: 'solapi-sms' });
    });
    const ledger = ledgers.open({
      providers: [failing()],
      apiFailover: { sender: first },
      polling: { concurrency: 1 },
    });
    for (let i = 0; i < 3; i++) await recordSend(ledger.service, alimTalk(`m-${i}`));
    ledger.clock.set(T0 + HOUR);

    const run = ledger.service.runOnce();
    await eventually(async () => expect(first.calls).toHaveLength(1));
    const closed = ledger.service.close();
    sending.open();
    await closed;
    await run;
    expect(first.calls.map((c) => c.input.messageId)).toEqual(['m-0:api-fallback']);

    const second = fakeSender();
    const { service, clock } = ledgers.open({
      file: ledger.file,
      providers: [failing()],
      apiFailover: { sender: second },
    });
    clock.set(T0 + 2 * HOUR);
    await service.runOnce();
    expect(second.calls.map((c) => c.input.messageId).sort()).toEqual([
      'm-1:api-fallback',
      'm-2:api-fallback',
    ]);
    for (const id of ['m-0', 'm-1', 'm-2']) {
      expect(failoverOf(await recordOf(service, id))?.apiAttempt).toMatchObject({
        attempted: true,
        outcome: 'sent',
      });
    }
  });
});

describe('a fallback whose send begins after close()', () => {
  /** A sender that gives up when its signal is aborted, as one built on fetch() does. */
  const honouring = () =>
    fakeSender(async (input, { signal }) => {
      signal?.throwIfAborted();
      return ok({ messageId: input.messageId, providerId: 'solapi-sms' });
    });

  it('should still be sent when the FAILED answer came as close() began', async () => {
    const answers = gate();
    const provider = fakeProvider('solapi', async (query) => {
      await answers.opened;
      return reached(query, 'FAILED', { statusCode: '3104', statusMessage: '카카오톡 미사용자' });
    });
    const sender = honouring();
    const ledger = ledgers.open({
      providers: [provider],
      apiFailover: { sender },
      polling: { concurrency: 1 },
    });
    await recordSend(ledger.service, alimTalk('m-0'));
    ledger.clock.set(T0 + HOUR);

    const run = ledger.service.runOnce();
    await eventually(async () => expect(provider.calls).toHaveLength(1));
    const closed = ledger.service.close();
    answers.open();
    await closed;
    await run;

    const { service } = ledgers.open({ file: ledger.file });
    const record = await recordOf(service, 'm-0');
    expect(record.status).toBe('FAILED');
    expect(failoverOf(record)?.apiAttempt).toMatchObject({ attempted: true, outcome: 'sent' });
  });

  it('should still be sent when a receipt was being recorded as close() began', async () => {
    const sender = honouring();
    const file = ledgers.newFile();
    const store = new SqliteEventStore({ filename: file });
    const ledger = ledgers.open({ file, eventStore: store, apiFailover: { sender } });
    await recordSend(ledger.service, alimTalk('m-0'));
    const append = store.append.bind(store);
    let closed: Promise<void> | undefined;
    store.append = (streamId, events, options) => {
      if (events.some((e) => e.type === 'StatusChanged')) closed ??= ledger.service.close();
      return append(streamId, events, options);
    };

    await ledger.service.ingestReceipt(failure('p-m-0'));
    await closed;

    const { service } = ledgers.open({ file });
    const record = await recordOf(service, 'm-0');
    expect(record.status).toBe('FAILED');
    expect(failoverOf(record)?.apiAttempt).toMatchObject({ attempted: true, outcome: 'sent' });
  });
});
