import { describe, expect, it } from 'vitest';
import type { DeliveryStatus } from '../../src/machines/status.js';
import {
  aReceipt,
  checkDue,
  DAY,
  given,
  HOUR,
  historyIn,
  MINUTE,
  policy,
  policyWith,
  receiptReceived,
  SECOND,
  scheduledSendRecorded,
  sendRecorded,
  statusChanged,
  T0,
  TRACKING_TIMEOUT,
} from './given.js';

const SCHEDULED_AT = T0 + HOUR;
const GRACE_END = SCHEDULED_AT + policy.scheduledGraceMs;
const DEADLINE = T0 + policy.maxTrackingDurationMs;

describe('a due check of an open message', () => {
  it('should ask the provider, emitting nothing yet', () => {
    given(sendRecorded())
      .when(checkDue(T0 + 30 * SECOND))
      .thenEmitsNothing()
      .thenAwaitsProvider()
      .thenState({ attemptCount: 0, status: 'SENT' });
  });

  it('should ask the provider about a scheduled message once its grace is over', () => {
    given(scheduledSendRecorded(SCHEDULED_AT))
      .when(checkDue(GRACE_END))
      .thenEmitsNothing()
      .thenAwaitsProvider();
  });
});

describe('a due check inside a schedule grace', () => {
  it('should defer the check to the end of the grace, counting it as a check', () => {
    given(scheduledSendRecorded(SCHEDULED_AT))
      .when(checkDue(SCHEDULED_AT))
      .thenEmits({
        type: 'CheckDeferred',
        data: {
          checkedAt: SCHEDULED_AT,
          attempt: 1,
          nextCheckAt: GRACE_END,
          reason: 'schedule-grace',
        },
      })
      .thenAwaitsProvider(false)
      .thenState({
        status: 'PENDING',
        attemptCount: 1,
        lastCheckedAt: SCHEDULED_AT,
        nextCheckAt: GRACE_END,
      });
  });

  it('should defer a check made before the scheduled time too', () => {
    given(scheduledSendRecorded(SCHEDULED_AT))
      .when(checkDue(T0 + MINUTE, 'missing'))
      .thenEmits({
        type: 'CheckDeferred',
        data: {
          checkedAt: T0 + MINUTE,
          attempt: 1,
          nextCheckAt: GRACE_END,
          reason: 'schedule-grace',
        },
      })
      .thenState({ status: 'PENDING' });
  });
});

describe('a due check past the tracking deadline', () => {
  it('should end the message UNKNOWN with TRACKING_TIMEOUT', () => {
    const now = DEADLINE + 1;

    given(sendRecorded())
      .when(checkDue(now))
      .thenEmits(
        {
          type: 'CheckCompleted',
          data: {
            checkedAt: now,
            attempt: 1,
            result: { kind: 'tracking-timeout' },
            nextCheckAt: now,
            lastError: TRACKING_TIMEOUT,
          },
        },
        statusChanged('SENT', 'UNKNOWN', now, 'tracking-timeout', { lastError: TRACKING_TIMEOUT }),
      )
      .thenAwaitsProvider(false)
      .thenState({
        status: 'UNKNOWN',
        statusUpdatedAt: now,
        attemptCount: 1,
        lastCheckedAt: now,
        nextCheckAt: now,
        lastError: TRACKING_TIMEOUT,
      });
  });

  it('should still ask the provider at the deadline itself', () => {
    given(sendRecorded()).when(checkDue(DEADLINE)).thenEmitsNothing().thenAwaitsProvider();
  });

  it('should count the deadline of a scheduled message from the end of its grace', () => {
    given(scheduledSendRecorded(SCHEDULED_AT))
      .when(checkDue(DEADLINE + HOUR))
      .thenEmitsNothing()
      .thenAwaitsProvider();

    given(scheduledSendRecorded(SCHEDULED_AT))
      .when(checkDue(GRACE_END + policy.maxTrackingDurationMs + 1))
      .thenState({ status: 'UNKNOWN', lastError: TRACKING_TIMEOUT });
  });

  it('should end a PENDING message that was never sent', () => {
    const now = GRACE_END + DAY + 1;

    given(scheduledSendRecorded(SCHEDULED_AT))
      .when(checkDue(now))
      .thenState({ status: 'UNKNOWN', lastError: TRACKING_TIMEOUT });
  });

  it('should take the deadline from the policy', () => {
    given(sendRecorded())
      .when(checkDue(T0 + HOUR + 1, 'available', policyWith({ maxTrackingDurationMs: HOUR })))
      .thenState({ status: 'UNKNOWN', lastError: TRACKING_TIMEOUT });
  });

  it('should never time out when maxTrackingDurationMs is 0', () => {
    given(sendRecorded())
      .when(checkDue(T0 + 30 * DAY, 'available', policyWith({ maxTrackingDurationMs: 0 })))
      .thenEmitsNothing()
      .thenAwaitsProvider();
  });

  it('should time out before looking at the provider', () => {
    given(sendRecorded())
      .when(checkDue(DEADLINE + 1, 'unsupported'))
      .thenState({ status: 'UNKNOWN', lastError: TRACKING_TIMEOUT });
  });
});

describe('a due check of a message whose provider is not configured', () => {
  const PROVIDER_NOT_FOUND = { code: 'PROVIDER_NOT_FOUND', message: 'Provider not found: solapi' };

  it("should end the message UNKNOWN with PROVIDER_NOT_FOUND under the 'unknown' strategy", () => {
    const now = T0 + 30 * SECOND;

    given(sendRecorded())
      .when(checkDue(now, 'missing'))
      .thenEmits(
        {
          type: 'CheckCompleted',
          data: {
            checkedAt: now,
            attempt: 1,
            result: { kind: 'provider-not-found' },
            nextCheckAt: now,
            lastError: PROVIDER_NOT_FOUND,
          },
        },
        statusChanged('SENT', 'UNKNOWN', now, 'provider-not-found', {
          lastError: PROVIDER_NOT_FOUND,
        }),
      )
      .thenAwaitsProvider(false)
      .thenState({ status: 'UNKNOWN', attemptCount: 1, lastError: PROVIDER_NOT_FOUND });
  });

  it("should keep the message open for receipts until just past the deadline under 'wait'", () => {
    const waiting = policyWith({ unknownProviderStrategy: 'wait' });
    const now = T0 + 30 * SECOND;

    given(sendRecorded())
      .when(checkDue(now, 'missing', waiting))
      .thenEmits({
        type: 'CheckDeferred',
        data: {
          checkedAt: now,
          attempt: 1,
          nextCheckAt: DEADLINE + 1,
          reason: 'awaiting-receipts',
        },
      })
      .thenAwaitsProvider(false)
      .thenState({ status: 'SENT', attemptCount: 1, nextCheckAt: DEADLINE + 1 });
  });

  it("should time out a message waiting for receipts when it is due again under 'wait'", () => {
    const waiting = policyWith({ unknownProviderStrategy: 'wait' });
    const waited = {
      type: 'CheckDeferred' as const,
      data: {
        checkedAt: T0 + 30 * SECOND,
        attempt: 1,
        nextCheckAt: DEADLINE + 1,
        reason: 'awaiting-receipts' as const,
      },
    };

    given(sendRecorded(), waited)
      .when(checkDue(DEADLINE + 1, 'missing', waiting))
      .thenState({ status: 'UNKNOWN', attemptCount: 2, lastError: TRACKING_TIMEOUT });
  });

  it("should let a receipt settle a message waiting under 'wait'", () => {
    const waited = {
      type: 'CheckDeferred' as const,
      data: {
        checkedAt: T0 + 30 * SECOND,
        attempt: 1,
        nextCheckAt: DEADLINE + 1,
        reason: 'awaiting-receipts' as const,
      },
    };

    given(sendRecorded(), waited)
      .when(receiptReceived(T0 + HOUR, aReceipt('r-1', 'DELIVERED')))
      .thenState({ status: 'DELIVERED' });
  });
});

describe('a due check of a message whose provider cannot be asked for a status', () => {
  const UNSUPPORTED = {
    code: 'UNSUPPORTED_PROVIDER',
    message: 'Provider has no getDeliveryStatus()',
  };

  it("should keep polling with backoff and lastError UNSUPPORTED_PROVIDER under 'skip'", () => {
    const now = T0 + 30 * SECOND;

    given(sendRecorded())
      .when(checkDue(now, 'unsupported'))
      .thenEmits({
        type: 'CheckCompleted',
        data: {
          checkedAt: now,
          attempt: 1,
          result: { kind: 'unsupported-provider' },
          nextCheckAt: now + policy.backoffMs[0]!,
          lastError: UNSUPPORTED,
        },
      })
      .thenAwaitsProvider(false)
      .thenState({ status: 'SENT', attemptCount: 1, lastCheckedAt: now, lastError: UNSUPPORTED });
  });

  it("should back off further on each skipped check under 'skip'", () => {
    const first = T0 + 30 * SECOND;
    const skipped = {
      type: 'CheckCompleted' as const,
      data: {
        checkedAt: first,
        attempt: 1,
        result: { kind: 'unsupported-provider' as const },
        nextCheckAt: first + 30 * SECOND,
        lastError: UNSUPPORTED,
      },
    };
    const second = first + 30 * SECOND;

    given(sendRecorded(), skipped)
      .when(checkDue(second, 'unsupported'))
      .thenState({ attemptCount: 2, nextCheckAt: second + 2 * MINUTE, status: 'SENT' });
  });

  it("should end the message UNKNOWN with UNSUPPORTED_PROVIDER under 'unknown'", () => {
    const now = T0 + 30 * SECOND;

    given(sendRecorded())
      .when(checkDue(now, 'unsupported', policyWith({ unsupportedProviderStrategy: 'unknown' })))
      .thenEmits(
        {
          type: 'CheckCompleted',
          data: {
            checkedAt: now,
            attempt: 1,
            result: { kind: 'unsupported-provider' },
            nextCheckAt: now,
            lastError: UNSUPPORTED,
          },
        },
        statusChanged('SENT', 'UNKNOWN', now, 'unsupported-provider', { lastError: UNSUPPORTED }),
      )
      .thenState({ status: 'UNKNOWN', lastError: UNSUPPORTED });
  });
});

describe('a due check of a message that ended', () => {
  const terminal: DeliveryStatus[] = ['DELIVERED', 'FAILED', 'CANCELLED', 'UNKNOWN'];

  it.each(terminal)('should never poll a %s message again', (status) => {
    for (const provider of ['available', 'unsupported', 'missing'] as const) {
      given(...historyIn(status))
        .when(checkDue(T0 + HOUR, provider))
        .thenEmitsNothing()
        .thenAwaitsProvider(false)
        .thenState({ status });
    }
  });

  it('should never poll a message that ended UNKNOWN for want of a providerMessageId', () => {
    given(sendRecorded({ providerMessageId: '', status: 'UNKNOWN', nextCheckAt: T0 }))
      .when(checkDue(T0 + HOUR))
      .thenEmitsNothing()
      .thenAwaitsProvider(false);
  });
});

describe('a due check of a message not tracked', () => {
  it('should emit nothing and ask no provider', () => {
    const outcome = given().when(checkDue(T0)).thenEmitsNothing().thenAwaitsProvider(false);

    expect(outcome.decision.state).toBeUndefined();
  });
});
