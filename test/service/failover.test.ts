import { describe, expect, it } from 'vitest';
import type { ApiFailoverConfig, Receipt } from '../../src/index.js';
import { alimTalk, FAILOVER_REQUEST, failoverOf, fakeSender } from './failover-support.js';
import {
  aReceipt,
  fakeProvider,
  MINUTE,
  reached,
  recordOf,
  recordSend,
  SECOND,
  type SendSpec,
  T0,
  useLedgers,
} from './support.js';

const ledgers = useLedgers();

const NOW = T0 + 5 * MINUTE;

/** A service with failover set up, the AlimTalk m-1 sent, and the clock at NOW. */
async function alimTalkSent(spec: Partial<SendSpec> = {}, config: ApiFailoverConfig = {}) {
  const sender = fakeSender();
  const ledger = ledgers.open({ apiFailover: { sender, ...config } });
  await recordSend(ledger.service, alimTalk('m-1', spec));
  ledger.clock.set(NOW);
  return { ...ledger, sender };
}

/** A failure report of the message sent as `spec`. */
function failure(extra: Partial<Receipt> = {}): Receipt {
  return aReceipt('p-m-1', 'FAILED', { providerStatus: '3104', errorCode: '3104', ...extra });
}

describe('failover of an AlimTalk that did not reach a KakaoTalk user', () => {
  it('should send one SMS in its place when a check finds it FAILED', async () => {
    const sender = fakeSender();
    const provider = fakeProvider('solapi', (query) =>
      reached(query, 'FAILED', { statusCode: '3104', statusMessage: '카카오톡 미사용자' }),
    );
    const { service, clock } = ledgers.open({ providers: [provider], apiFailover: { sender } });
    await recordSend(service, alimTalk('m-1'));

    clock.set(T0 + 30 * SECOND);
    await service.runOnce();

    expect(sender.calls).toHaveLength(1);
    const { input, context } = sender.calls[0]!;
    expect(input).toEqual({
      type: 'SMS',
      to: '01012345678',
      from: '0212345678',
      text: FAILOVER_REQUEST.fallbackContent,
      messageId: 'm-1:api-fallback',
    });
    expect(context).toMatchObject({
      originalMessageId: 'm-1',
      originalProviderId: 'solapi',
      originalProviderMessageId: 'p-m-1',
      fallbackMessageId: 'm-1:api-fallback',
      fallbackType: 'SMS',
      record: { messageId: 'm-1', status: 'FAILED', providerStatusCode: '3104' },
    });
    expect(context.signal).toBeInstanceOf(AbortSignal);
    // apiAttempt.status is left out: it stays 'attempting' once the attempt has finished.
    expect((await recordOf(service, 'm-1')).metadata).toMatchObject({
      failover: {
        request: FAILOVER_REQUEST,
        sendWarningCodes: ['FAILOVER_UNSUPPORTED_PROVIDER'],
        apiAttempt: {
          attempted: true,
          attemptedAt: new Date(T0 + 30 * SECOND).toISOString(),
          outcome: 'sent',
          fallbackMessageId: 'm-1:api-fallback',
          fallbackProviderId: 'solapi-sms',
        },
      },
    });
  });

  it('should send it when a receipt reports the failure', async () => {
    const { service, sender } = await alimTalkSent();

    await service.ingestReceipt(failure());

    expect(sender.calls.map((call) => call.input.messageId)).toEqual(['m-1:api-fallback']);
    expect(failoverOf(await recordOf(service, 'm-1'))).toMatchObject({
      apiAttempt: { attempted: true, attemptedAt: new Date(NOW).toISOString(), outcome: 'sent' },
    });
  });

  it('should send an LMS with the fallback title when the send asked for lms', async () => {
    const request = {
      ...FAILOVER_REQUEST,
      fallbackChannel: 'lms' as const,
      fallbackTitle: ' 안내 ',
    };
    const { service, sender } = await alimTalkSent({ failover: request });

    await service.ingestReceipt(failure());

    expect(sender.calls[0]?.input).toMatchObject({
      type: 'LMS',
      subject: '안내',
      messageId: 'm-1:api-fallback',
    });
    expect(sender.calls[0]?.context.fallbackType).toBe('LMS');
  });

  it('should also follow a send that warned of a partial failover provider', async () => {
    const warnings = [{ code: 'FAILOVER_PARTIAL_PROVIDER' }];
    const { service, sender } = await alimTalkSent({ warnings });

    await service.ingestReceipt(failure());

    expect(sender.calls).toHaveLength(1);
    expect(failoverOf(await recordOf(service, 'm-1'))).toMatchObject({
      sendWarningCodes: ['FAILOVER_PARTIAL_PROVIDER'],
    });
  });

  it('should send it when a late FAILED settles an AlimTalk that ended UNKNOWN', async () => {
    const sender = fakeSender();
    const { service, clock } = ledgers.open({ apiFailover: { sender } });
    await recordSend(service, alimTalk('m-1'));
    clock.set(T0 + 30 * SECOND);
    await service.runOnce();
    expect((await recordOf(service, 'm-1')).status).toBe('UNKNOWN');

    await service.ingestReceipt(failure());

    expect(sender.calls).toHaveLength(1);
  });
});

describe('telling that a recipient does not use KakaoTalk', () => {
  it.each([
    ['solapi code 3104', 'solapi', { providerStatus: '3104' }],
    ['solapi code 3107', 'solapi', { providerStatus: '3107' }],
    [
      'a solapi message naming 미사용자',
      'solapi',
      { providerStatus: '3000', errorMessage: '미사용자' },
    ],
    ['an iwinv message', 'iwinv', { providerStatus: 'E01', errorMessage: '카카오톡 미사용 번호' }],
    ['iwinv code and message', 'iwinv', { providerStatus: '카카오-01', errorMessage: '미사용' }],
  ])('should know %s', async (_, providerId, extra) => {
    const { service, sender } = await alimTalkSent({ providerId });

    await service.ingestReceipt(failure({ providerId, errorCode: undefined, ...extra }));

    expect(sender.calls).toHaveLength(1);
  });

  it.each([
    ['another solapi failure', 'solapi', { providerStatus: '3059' }],
    [
      'an iwinv message with only 카카오',
      'iwinv',
      { providerStatus: 'E', errorMessage: '카카오 오류' },
    ],
    ['another provider with 3104', 'acme', { providerStatus: '3104' }],
  ])('should not fail over for %s', async (_, providerId, extra) => {
    const { service, sender } = await alimTalkSent({ providerId });

    await service.ingestReceipt(failure({ providerId, errorCode: undefined, ...extra }));

    expect(sender.calls).toHaveLength(0);
    expect(failoverOf(await recordOf(service, 'm-1'))).toMatchObject({
      apiAttempt: { attempted: false, status: 'not_attempted' },
    });
  });

  it("should follow the provider's rule by code or by words", async () => {
    const rulesByProviderId = {
      acme: { statusCodes: ['NO-KAKAO'], messageIncludes: ['not a kakao user'] },
    };
    const { service, sender } = await alimTalkSent({ providerId: 'acme' }, { rulesByProviderId });
    await recordSend(service, alimTalk('m-2', { providerId: 'acme' }));

    await service.ingestReceipt(failure({ providerId: 'acme', providerStatus: 'NO-KAKAO' }));
    await service.ingestReceipt(
      aReceipt('p-m-2', 'FAILED', {
        providerId: 'acme',
        providerStatus: 'E9',
        errorMessage: 'recipient is not a kakao user',
      }),
    );

    expect(sender.calls.map((call) => call.input.messageId)).toEqual([
      'm-1:api-fallback',
      'm-2:api-fallback',
    ]);
  });

  it('should ask the custom classifier first, which overrides the built-in rules', async () => {
    const seen: unknown[] = [];
    const classifyNonKakaoUser: ApiFailoverConfig['classifyNonKakaoUser'] = (context) => {
      seen.push(context);
      return (context.raw as { kakao?: boolean }).kakao === false;
    };
    const { service, sender } = await alimTalkSent({}, { classifyNonKakaoUser });
    await recordSend(service, alimTalk('m-2'));

    await service.ingestReceipt(failure({ raw: { kakao: true } }));
    await service.ingestReceipt(
      aReceipt('p-m-2', 'FAILED', { providerStatus: '9999', raw: { kakao: false } }),
    );

    expect(sender.calls.map((call) => call.input.messageId)).toEqual(['m-2:api-fallback']);
    expect(seen[0]).toMatchObject({
      record: { messageId: 'm-1', status: 'FAILED' },
      statusCode: '3104',
      statusMessage: 'error code 3104',
      raw: { kakao: true },
    });
  });
});

describe('an AlimTalk that is not to fail over', () => {
  it.each([
    ['did not ask for failover', { failover: undefined }],
    ['disabled failover', { failover: { ...FAILOVER_REQUEST, enabled: false } }],
    ['had no failover warning', { warnings: [{ code: 'SOMETHING_ELSE' }] }],
    ['had no warnings', { warnings: undefined }],
  ])('should not be replaced when its send %s', async (_, spec) => {
    const { service, sender } = await alimTalkSent(spec);

    await service.ingestReceipt(failure());

    expect(sender.calls).toHaveLength(0);
    expect(failoverOf(await recordOf(service, 'm-1'))?.apiAttempt).toEqual({
      attempted: false,
      status: 'not_attempted',
    });
  });

  it('should not be replaced when failover is disabled in the service', async () => {
    const { service, sender } = await alimTalkSent({}, { enabled: false });

    await service.ingestReceipt(failure());

    expect(sender.calls).toHaveLength(0);
  });

  it.each(['DELIVERED', 'CANCELLED'] as const)('should not be replaced when %s', async (status) => {
    const { service, sender } = await alimTalkSent();

    await service.ingestReceipt(aReceipt('p-m-1', status, { providerStatus: '3104' }));

    expect(sender.calls).toHaveLength(0);
  });

  it('should not replace an SMS that failed', async () => {
    const { service, sender } = await alimTalkSent({ type: 'SMS' });

    await service.ingestReceipt(failure());

    expect(sender.calls).toHaveLength(0);
    expect((await recordOf(service, 'm-1')).metadata).toBeUndefined();
  });
});
