import { describe, expect, it } from 'vitest';
import { type HookContext, type SendResult, ValidationError } from '../../src/index.js';
import {
  answering,
  MINUTE,
  recordOf,
  recordSend,
  SECOND,
  sendContext,
  sendResult,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

describe('recording a send', () => {
  it('should track a sent message as SENT, checked first initialDelayMs after', async () => {
    const { service, clock } = ledgers.open();
    clock.set(T0 + 2 * SECOND);

    await recordSend(service, { messageId: 'm-1', providerMessageId: 'P-100' });

    expect(await service.getRecord('m-1')).toStrictEqual({
      messageId: 'm-1',
      providerId: 'solapi',
      providerMessageId: 'P-100',
      type: 'SMS',
      to: '01012345678',
      from: '0212345678',
      requestedAt: new Date(T0),
      status: 'SENT',
      statusUpdatedAt: new Date(T0 + 2 * SECOND),
      attemptCount: 0,
      nextCheckAt: new Date(T0 + 30 * SECOND),
    });
  });

  it('should track a scheduled message as PENDING until its schedule grace ends', async () => {
    const { service } = ledgers.open();
    const scheduledAt = new Date(T0 + 60 * MINUTE);

    await recordSend(service, { messageId: 'm-1', scheduledAt });

    const record = await recordOf(service, 'm-1');
    expect(record).toMatchObject({ status: 'PENDING', scheduledAt });
    expect(record.nextCheckAt).toEqual(new Date(scheduledAt.getTime() + 2 * MINUTE));
  });

  // Bug in src/service/validate-send.ts: the schema's z.date() rejects an Invalid Date, so
  // recordSend throws "context.options.options.scheduledAt: Invalid input" instead.
  it('should treat an invalid scheduledAt as no schedule, as k-msg does', async () => {
    const { service } = ledgers.open();

    await recordSend(service, { messageId: 'm-1', scheduledAt: new Date('not a date') });

    const record = await recordOf(service, 'm-1');
    expect(record.status).toBe('SENT');
    expect(record.scheduledAt).toBeUndefined();
    expect(record.nextCheckAt).toEqual(new Date(T0 + 30 * SECOND));
  });

  it.each([
    ['blank', '   '],
    ['missing', undefined],
  ])('should end a send whose provider message id is %s as UNKNOWN', async (_, id) => {
    const { service, clock } = ledgers.open();
    const result: SendResult = { ...sendResult({ messageId: 'm-1' }), providerMessageId: id };

    await service.recordSend(sendContext({ messageId: 'm-1' }), result);

    const record = await recordOf(service, 'm-1');
    expect(record).toMatchObject({
      status: 'UNKNOWN',
      providerMessageId: '',
      lastError: { code: 'MISSING_PROVIDER_MESSAGE_ID' },
    });
    expect(record.nextCheckAt).toEqual(new Date(clock.now()));
  });

  it("should keep the send's customFields in the record's metadata", async () => {
    const { service } = ledgers.open();
    const customFields = { orderId: 'order-7', campaign: { id: 3, tags: ['spring'] } };

    await recordSend(service, { messageId: 'm-1', customFields });
    customFields.orderId = 'changed after the send';

    expect((await recordOf(service, 'm-1')).metadata).toEqual({
      customFields: { orderId: 'order-7', campaign: { id: 3, tags: ['spring'] } },
    });
  });

  it('should show every message as soon as its recordSend resolves', async () => {
    const { service } = ledgers.open();

    for (let i = 0; i < 40; i++) {
      await recordSend(service, { messageId: `m-${i}` });
      expect((await service.getRecord(`m-${i}`))?.status).toBe('SENT');
    }
  });

  it('should record a send recorded twice once', async () => {
    const { service } = ledgers.open();

    await recordSend(service, { messageId: 'm-1' });
    await recordSend(service, { messageId: 'm-1' });

    const history = await service.history('m-1');
    expect(history.map((entry) => entry.type)).toEqual(['SendRecorded']);
  });

  it('should refuse a second send of one message id that says something else, and keep the first', async () => {
    const { service } = ledgers.open();
    await recordSend(service, { messageId: 'm-1' });

    await expect(
      recordSend(service, { messageId: 'm-1', providerMessageId: 'another' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('providerMessageId'),
    });

    const history = await service.history('m-1');
    expect(history.map((entry) => entry.type)).toEqual(['SendRecorded']);
    expect((await recordOf(service, 'm-1')).providerMessageId).toBe('p-m-1');
  });

  describe('when no state of the message is at hand (a restart, another process)', () => {
    it('should record the same send again once, even after later events', async () => {
      const { service, clock } = ledgers.open({
        providers: [answering('solapi', 'SENT')],
        stateCacheSize: 0,
      });
      await recordSend(service, { messageId: 'm-1' });
      const recorded = await recordOf(service, 'm-1');
      clock.advance(MINUTE);
      await service.runOnce();
      const checked = await recordOf(service, 'm-1');

      // At the very same moment, the resend's events are the first ones, id for id.
      clock.set(T0);
      await recordSend(service, { messageId: 'm-1' });
      clock.advance(MINUTE + 5 * SECOND);
      await recordSend(service, { messageId: 'm-1' });

      const history = await service.history('m-1');
      expect(history.map((entry) => entry.type)).toEqual(['SendRecorded', 'CheckCompleted']);
      expect(await recordOf(service, 'm-1')).toStrictEqual(checked);
      expect(checked.attemptCount).toBe(recorded.attemptCount + 1);
    });

    it('should still refuse a resend that says something else', async () => {
      const { service } = ledgers.open({ stateCacheSize: 0 });
      await recordSend(service, { messageId: 'm-1' });

      await expect(
        recordSend(service, { messageId: 'm-1', to: '01099999999' }),
      ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('to') });
      expect((await service.history('m-1')).map((entry) => entry.type)).toEqual(['SendRecorded']);
    });
  });
});

type Spoil = (context: HookContext, result: SendResult) => [unknown, unknown];

describe('recording a send with bad arguments', () => {
  const cases: Array<[string, Spoil, string]> = [
    ['a blank message id', (c, r) => [{ ...c, messageId: ' ' }, r], 'context.messageId'],
    [
      'no recipient',
      (c, r) => [{ ...c, options: { ...c.options, to: undefined } }, r],
      'context.options.to',
    ],
    [
      'a type that is no string',
      (c, r) => [{ ...c, options: { ...c.options, type: 4 } }, r],
      'context.options.type',
    ],
    [
      'a timestamp that is no time',
      (c, r) => [{ ...c, timestamp: 'yesterday' }, r],
      'context.timestamp',
    ],
    ['no options', (c, r) => [{ ...c, options: undefined }, r], 'context.options'],
    ['a blank provider id', (c, r) => [c, { ...r, providerId: '' }], 'result.providerId'],
    [
      'a numeric provider message id',
      (c, r) => [c, { ...r, providerMessageId: 42 }],
      'result.providerMessageId',
    ],
    ['warnings that are no list', (c, r) => [c, { ...r, warnings: 'late' }], 'result.warnings'],
    [
      'customFields that are no object',
      (c, r) => [{ ...c, options: { ...c.options, options: { customFields: 'x' } } }, r],
      'context.options.options.customFields',
    ],
    [
      'customFields that JSON cannot hold',
      (c, r) => [{ ...c, options: { ...c.options, options: { customFields: { n: 1n } } } }, r],
      'customFields',
    ],
  ];

  it.each(cases)(
    'should reject %s, naming the field and appending nothing',
    async (_, spoil, field) => {
      const { service } = ledgers.open();
      const [context, result] = spoil(
        sendContext({ messageId: 'm-1' }),
        sendResult({ messageId: 'm-1' }),
      );

      const error = await service
        .recordSend(context as HookContext, result as SendResult)
        .catch((e: unknown) => e);

      expect(error).toBeInstanceOf(ValidationError);
      expect(error).toMatchObject({ code: 'INVALID_INPUT' });
      expect((error as ValidationError).path?.endsWith(field)).toBe(true);
      expect((error as ValidationError).message).toContain(field);
      expect(await service.history('m-1')).toEqual([]);
      expect(await service.countRecords()).toBe(0);
    },
  );

  it.each([
    ['context', null, sendResult({ messageId: 'm-1' })],
    ['result', sendContext({ messageId: 'm-1' }), undefined],
  ])('should reject a missing %s', async (field, context, result) => {
    const { service } = ledgers.open();

    await expect(
      service.recordSend(context as unknown as HookContext, result as unknown as SendResult),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', path: field });
    expect(await service.countRecords()).toBe(0);
  });
});
