import { describe, expect, it } from 'vitest';
import {
  aSend,
  given,
  HOUR,
  MESSAGE_ID,
  MINUTE,
  policy,
  policyWith,
  recordSend,
  SECOND,
  sendRecorded,
  T0,
} from './given.js';

const RECORDED_AT = T0 + 2 * SECOND;

describe('recording a send', () => {
  it('should track an unscheduled send as SENT, checked initialDelayMs after the request', () => {
    given()
      .when(recordSend(aSend({ from: '0212345678' }), RECORDED_AT))
      .thenEmits({
        type: 'SendRecorded',
        data: {
          messageId: MESSAGE_ID,
          providerId: 'solapi',
          providerMessageId: 'prov-1',
          type: 'SMS',
          to: '01012345678',
          from: '0212345678',
          requestedAt: T0,
          recordedAt: RECORDED_AT,
          status: 'SENT',
          nextCheckAt: T0 + policy.initialDelayMs,
        },
      })
      .thenState({
        messageId: MESSAGE_ID,
        status: 'SENT',
        statusUpdatedAt: RECORDED_AT,
        attemptCount: 0,
        nextCheckAt: T0 + 30 * SECOND,
      })
      .thenAwaitsProvider(false);
  });

  it('should take the first check delay from the policy', () => {
    given()
      .when(recordSend(aSend(), T0, policyWith({ initialDelayMs: 5 * SECOND })))
      .thenState({ status: 'SENT', nextCheckAt: T0 + 5 * SECOND });
  });

  it('should track a scheduled send as PENDING, checked scheduledGraceMs after scheduledAt', () => {
    const scheduledAt = T0 + HOUR;

    given()
      .when(recordSend(aSend({ scheduledAt })))
      .thenEmits(
        sendRecorded({
          scheduledAt,
          status: 'PENDING',
          nextCheckAt: scheduledAt + policy.scheduledGraceMs,
        }),
      )
      .thenState({ status: 'PENDING', scheduledAt, nextCheckAt: scheduledAt + 2 * MINUTE });
  });

  // BUG: src/machines/emitters.ts:30 takes any scheduledAt that is not undefined as a schedule,
  // so NaN makes the message PENDING with nextCheckAt NaN instead of SENT.
  it('should treat a scheduledAt that is not a valid time as no schedule', () => {
    given()
      .when(recordSend(aSend({ scheduledAt: Number.NaN })))
      .thenState({ status: 'SENT', nextCheckAt: T0 + policy.initialDelayMs });
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
  ])('should end a send with an %s providerMessageId UNKNOWN at once', (_, providerMessageId) => {
    const outcome = given()
      .when(recordSend(aSend({ providerMessageId }), RECORDED_AT))
      .thenEmits(
        sendRecorded({
          providerMessageId: '',
          recordedAt: RECORDED_AT,
          status: 'UNKNOWN',
          nextCheckAt: RECORDED_AT,
          lastError: { code: 'MISSING_PROVIDER_MESSAGE_ID', message: 'providerMessageId missing' },
        }),
      );

    expect(outcome.decision.state?.lastError?.code).toBe('MISSING_PROVIDER_MESSAGE_ID');
  });

  it('should end a scheduled send without providerMessageId UNKNOWN rather than PENDING', () => {
    given()
      .when(recordSend(aSend({ providerMessageId: '', scheduledAt: T0 + HOUR }), RECORDED_AT))
      .thenState({ status: 'UNKNOWN', nextCheckAt: RECORDED_AT });
  });

  it('should record the providerMessageId without surrounding blanks', () => {
    given()
      .when(recordSend(aSend({ providerMessageId: '  prov-9 ' })))
      .thenState({ providerMessageId: 'prov-9', status: 'SENT' });
  });

  it('should keep customFields in metadata.customFields', () => {
    const customFields = { campaign: 'spring', batch: 7 };

    given()
      .when(recordSend(aSend({ customFields })))
      .thenState({ metadata: { customFields } });
  });

  it('should keep no metadata for an SMS without customFields', () => {
    const { decision } = given().when(recordSend(aSend({ sendStatus: 'ACCEPTED' })));

    expect(decision.state).toBeDefined();
    expect(decision.state?.metadata).toBeUndefined();
  });

  it('should prepare failover metadata for an ALIMTALK send', () => {
    const failover = {
      enabled: true,
      fallbackChannel: 'lms' as const,
      fallbackContent: '대체 문자',
    };

    given()
      .when(
        recordSend(
          aSend({ type: 'ALIMTALK', failover, warningCodes: ['FAILOVER_UNSUPPORTED_PROVIDER'] }),
        ),
      )
      .thenState({
        metadata: {
          failover: {
            request: failover,
            sendWarningCodes: ['FAILOVER_UNSUPPORTED_PROVIDER'],
            apiAttempt: { attempted: false, status: 'not_attempted' },
          },
        },
      });
  });

  it('should prepare empty failover metadata for an ALIMTALK send that asked for none', () => {
    const { decision } = given().when(recordSend(aSend({ type: 'ALIMTALK' })));

    expect(decision.state?.metadata?.failover).toEqual({
      request: {},
      sendWarningCodes: [],
      apiAttempt: { attempted: false, status: 'not_attempted' },
    });
  });

  it('should not prepare failover metadata for a send that is not ALIMTALK', () => {
    const { decision } = given().when(
      recordSend(aSend({ type: 'SMS', failover: { enabled: true }, customFields: { a: 1 } })),
    );

    expect(decision.state?.metadata).toEqual({ customFields: { a: 1 } });
  });

  it('should emit nothing for a second send of a message already tracked', () => {
    given(sendRecorded())
      .when(recordSend(aSend({ providerMessageId: 'prov-2' }), T0 + MINUTE))
      .thenEmitsNothing()
      .thenState({ providerMessageId: 'prov-1', statusUpdatedAt: T0 })
      .thenAwaitsProvider(false);
  });

  it('should emit nothing for a second send of a message that already ended', () => {
    given(sendRecorded({ providerMessageId: '', status: 'UNKNOWN', nextCheckAt: T0 }))
      .when(recordSend(aSend(), T0 + MINUTE))
      .thenEmitsNothing()
      .thenState({ status: 'UNKNOWN' });
  });
});
