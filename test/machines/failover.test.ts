import { describe, expect, it } from 'vitest';
import type { DeliveryEvent, FailoverRequest } from '../../src/machines/events.js';
import type { DeliveryStatus } from '../../src/machines/status.js';
import {
  considerFailover,
  finishFailover,
  given,
  HOUR,
  MESSAGE_ID,
  MINUTE,
  SETTLED_AT,
  sendRecorded,
  statusChanged,
  statusSettledLate,
  T0,
  trackingTimedOut,
} from './given.js';

const NOW = T0 + 10 * MINUTE;
const FALLBACK_ID = `${MESSAGE_ID}:api-fallback`;
const REQUEST: FailoverRequest = { enabled: true, fallbackContent: '[대체] 주문이 접수되었습니다' };

interface AlimTalk {
  readonly type?: string;
  readonly failover?: FailoverRequest;
  readonly warningCodes?: readonly string[];
  readonly status?: DeliveryStatus;
}

/** An AlimTalk send that asked for failover, warned it may be needed, and then failed. */
function alimTalk({
  type = 'ALIMTALK',
  failover = REQUEST,
  warningCodes = ['FAILOVER_UNSUPPORTED_PROVIDER'],
  status = 'FAILED',
}: AlimTalk = {}): DeliveryEvent[] {
  const sent = sendRecorded({ type, failover, warningCodes });
  if (status === 'SENT') return [sent];
  return [sent, statusChanged('SENT', status, SETTLED_AT, 'check', { statusCode: '3104' })];
}

const started: DeliveryEvent = {
  type: 'FailoverStarted',
  data: { attemptedAt: NOW, fallbackMessageId: FALLBACK_ID, fallbackType: 'SMS' },
};

describe('considering failover of a failed AlimTalk to SMS', () => {
  it('should start a fallback SMS for a recipient who does not use KakaoTalk', () => {
    given(...alimTalk())
      .when(considerFailover(NOW))
      .thenEmits(started)
      .thenState({
        status: 'FAILED',
        metadata: {
          failover: {
            request: REQUEST,
            sendWarningCodes: ['FAILOVER_UNSUPPORTED_PROVIDER'],
            apiAttempt: {
              attempted: true,
              status: 'attempting',
              attemptedAt: new Date(NOW).toISOString(),
            },
          },
        },
      });
  });

  it('should start a fallback LMS when the send asked for the lms channel', () => {
    given(...alimTalk({ failover: { ...REQUEST, fallbackChannel: 'lms' } }))
      .when(considerFailover(NOW))
      .thenEmits({
        type: 'FailoverStarted',
        data: { attemptedAt: NOW, fallbackMessageId: FALLBACK_ID, fallbackType: 'LMS' },
      });
  });

  it('should start a fallback when the send warned of a partial failover provider', () => {
    given(...alimTalk({ warningCodes: ['SOMETHING_ELSE', 'FAILOVER_PARTIAL_PROVIDER'] }))
      .when(considerFailover(NOW))
      .thenEmits(started);
  });

  it('should start a fallback for a message that failed after it had ended UNKNOWN', () => {
    const settledFailed: DeliveryEvent[] = [
      ...alimTalk({ status: 'SENT' }),
      ...trackingTimedOut(SETTLED_AT),
      statusSettledLate('FAILED', NOW - MINUTE, 'receipt'),
    ];

    given(...settledFailed)
      .when(considerFailover(NOW))
      .thenEmits(started);
  });

  it.each<[string, AlimTalk]>([
    ['is not an AlimTalk', { type: 'SMS' }],
    ['has not failed', { status: 'SENT' }],
    ['was delivered', { status: 'DELIVERED' }],
    ['ended UNKNOWN', { status: 'UNKNOWN' }],
    ['was cancelled', { status: 'CANCELLED' }],
    ['did not ask for failover', { failover: { ...REQUEST, enabled: false } }],
    ['left failover unset', { failover: { fallbackContent: 'x' } }],
    ['got no failover warning', { warningCodes: [] }],
    ['got only other warnings', { warningCodes: ['TEMPLATE_DEPRECATED'] }],
  ])('should start nothing for a message that %s', (_, message) => {
    given(...alimTalk(message))
      .when(considerFailover(NOW))
      .thenEmitsNothing()
      .thenAwaitsProvider(false);
  });

  it('should start nothing when the recipient may use KakaoTalk', () => {
    given(...alimTalk())
      .when(considerFailover(NOW, { nonKakaoUser: false }))
      .thenEmitsNothing();
  });

  it('should start nothing when failover is not enabled', () => {
    given(...alimTalk())
      .when(considerFailover(NOW, { enabled: false }))
      .thenEmitsNothing();
  });

  it('should start nothing for a message not tracked', () => {
    given().when(considerFailover(NOW)).thenEmitsNothing();
  });
});

describe('failover happening at most once', () => {
  it('should start nothing while an attempt is in flight', () => {
    given(...alimTalk(), started)
      .when(considerFailover(NOW + MINUTE))
      .thenEmitsNothing();
  });

  it('should start nothing after an attempt finished', () => {
    const finished: DeliveryEvent = {
      type: 'FailoverFinished',
      data: { finishedAt: NOW, outcome: 'failed', errorCode: 'E', errorMessage: 'down' },
    };

    given(...alimTalk(), started, finished)
      .when(considerFailover(NOW + HOUR))
      .thenEmitsNothing();
  });

  it('should start nothing after an attempt was skipped', () => {
    const skipped = given(...alimTalk()).when(considerFailover(NOW, { senderConfigured: false }));

    given(...alimTalk(), ...skipped.decision.events)
      .when(considerFailover(NOW + HOUR))
      .thenEmitsNothing();
  });
});

describe('skipping failover', () => {
  it('should skip it with API_FAILOVER_SENDER_MISSING when no sender is configured', () => {
    given(...alimTalk())
      .when(considerFailover(NOW, { senderConfigured: false }))
      .thenEmits(started, {
        type: 'FailoverFinished',
        data: {
          finishedAt: NOW,
          outcome: 'skipped',
          warningCode: 'API_FAILOVER_SENDER_MISSING',
          warningMessage: 'apiFailover.sender is not configured',
        },
      })
      .thenState({
        metadata: {
          failover: {
            apiAttempt: {
              attempted: true,
              outcome: 'skipped',
              warningCode: 'API_FAILOVER_SENDER_MISSING',
            },
          },
        },
      });
  });

  it.each([
    ['blank', '  '],
    ['empty', ''],
    ['missing', undefined],
  ])('should skip it with FALLBACK_CONTENT_MISSING when fallbackContent is %s', (_, content) => {
    given(...alimTalk({ failover: { enabled: true, fallbackContent: content } }))
      .when(considerFailover(NOW))
      .thenEmits(started, {
        type: 'FailoverFinished',
        data: {
          finishedAt: NOW,
          outcome: 'skipped',
          warningCode: 'FALLBACK_CONTENT_MISSING',
          warningMessage: 'failover.fallbackContent is required for API-level fallback',
        },
      });
  });

  it('should name the missing sender first when the content is missing too', () => {
    const { decision } = given(...alimTalk({ failover: { enabled: true } })).when(
      considerFailover(NOW, { senderConfigured: false }),
    );

    expect(decision.events[1]).toMatchObject({
      data: { warningCode: 'API_FAILOVER_SENDER_MISSING' },
    });
  });
});

describe('finishing failover', () => {
  it('should record a fallback that was sent', () => {
    const result = {
      outcome: 'sent' as const,
      fallbackMessageId: FALLBACK_ID,
      fallbackProviderId: 'solapi-sms',
    };

    given(...alimTalk(), started)
      .when(finishFailover(NOW + MINUTE, result))
      .thenEmits({ type: 'FailoverFinished', data: { finishedAt: NOW + MINUTE, ...result } })
      .thenState({
        status: 'FAILED',
        metadata: {
          failover: {
            request: REQUEST,
            apiAttempt: {
              attempted: true,
              attemptedAt: new Date(NOW).toISOString(),
              outcome: 'sent',
              fallbackMessageId: FALLBACK_ID,
              fallbackProviderId: 'solapi-sms',
            },
          },
        },
      });
  });

  it('should record a fallback that failed', () => {
    const result = { outcome: 'failed' as const, errorCode: 'INVALID_SENDER', errorMessage: 'no' };

    given(...alimTalk(), started)
      .when(finishFailover(NOW + MINUTE, result))
      .thenEmits({ type: 'FailoverFinished', data: { finishedAt: NOW + MINUTE, ...result } })
      .thenState({
        metadata: {
          failover: {
            apiAttempt: {
              attempted: true,
              outcome: 'failed',
              errorCode: 'INVALID_SENDER',
              errorMessage: 'no',
            },
          },
        },
      });
  });

  const sent = {
    outcome: 'sent' as const,
    fallbackMessageId: FALLBACK_ID,
    fallbackProviderId: 'p',
  };

  it('should record nothing when no attempt was started', () => {
    given(...alimTalk())
      .when(finishFailover(NOW, sent))
      .thenEmitsNothing();
  });

  it('should record nothing for an attempt that already finished', () => {
    const finished: DeliveryEvent = {
      type: 'FailoverFinished',
      data: { finishedAt: NOW, ...sent },
    };

    given(...alimTalk(), started, finished)
      .when(finishFailover(NOW + MINUTE, { outcome: 'failed', errorCode: 'E', errorMessage: 'm' }))
      .thenEmitsNothing()
      .thenState({ metadata: { failover: { apiAttempt: { outcome: 'sent' } } } });
  });

  it('should record nothing for an attempt that was skipped', () => {
    const skipped = given(...alimTalk()).when(considerFailover(NOW, { senderConfigured: false }));

    given(...alimTalk(), ...skipped.decision.events)
      .when(finishFailover(NOW + MINUTE, sent))
      .thenEmitsNothing();
  });

  it('should record nothing for a message not tracked', () => {
    given().when(finishFailover(NOW, sent)).thenEmitsNothing();
  });
});
