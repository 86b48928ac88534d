import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DeliveryCommand, SendToRecord } from '../../src/machines/commands.js';
import { decide } from '../../src/machines/decide.js';
import type { DeliveryEvent, Observation } from '../../src/machines/events.js';
import type { PollingConfig, ProviderError } from '../../src/machines/policy.js';
import { type DeliveryState, evolve, replay } from '../../src/machines/state.js';
import type { DeliveryStatus } from '../../src/machines/status.js';
import {
  aReceipt,
  aSend,
  checkAnswered,
  checkDue,
  checkFailed,
  considerFailover,
  DAY,
  finishFailover,
  HOUR,
  MINUTE,
  policyWith,
  receiptReceived,
  recordSend,
  SECOND,
  sendRecorded,
  statusChanged,
  T0,
} from './given.js';

describe('folding a message stream', () => {
  it('should give the record the events describe', () => {
    const checkedAt = T0 + 30 * SECOND;
    const receivedAt = T0 + 50 * SECOND;
    const stream: DeliveryEvent[] = [
      sendRecorded({ from: '0212345678', customFields: { orderId: 'o-7' } }),
      {
        type: 'CheckCompleted',
        data: {
          checkedAt,
          attempt: 1,
          result: { kind: 'status', observation: { status: 'SENT', statusCode: '3000' } },
          nextCheckAt: checkedAt + 30 * SECOND,
          disposition: 'unchanged',
        },
      },
      {
        type: 'ReceiptReceived',
        data: {
          receiptKey: 'r-1',
          receivedAt,
          providerStatus: '4000',
          observation: { status: 'DELIVERED', statusCode: '4000', deliveredAt: T0 + 45 * SECOND },
          disposition: 'applied',
        },
      },
      statusChanged('SENT', 'DELIVERED', receivedAt, 'receipt', {
        statusCode: '4000',
        deliveredAt: T0 + 45 * SECOND,
        raw: { code: '4000' },
      }),
    ];

    expect(replay(stream)).toEqual({
      messageId: 'msg-1',
      providerId: 'solapi',
      providerMessageId: 'prov-1',
      type: 'SMS',
      to: '01012345678',
      from: '0212345678',
      requestedAt: T0,
      status: 'DELIVERED',
      statusUpdatedAt: receivedAt,
      providerStatusCode: '4000',
      deliveredAt: T0 + 45 * SECOND,
      attemptCount: 1,
      lastCheckedAt: checkedAt,
      nextCheckAt: receivedAt,
      raw: { code: '4000' },
      metadata: { customFields: { orderId: 'o-7' } },
      receiptKeys: ['r-1'],
    });
  });

  it('should give no record for an empty stream', () => {
    expect(replay([])).toBeUndefined();
  });

  it('should refuse an event that comes before the send was recorded', () => {
    expect(() => evolve(undefined, statusChanged('SENT', 'DELIVERED', T0, 'receipt'))).toThrow(
      'event StatusChanged cannot come before SendRecorded',
    );
  });

  it('should leave the state it folds onto unchanged', () => {
    const state = replay([sendRecorded({ type: 'ALIMTALK', failover: { enabled: true } })])!;
    const before = structuredClone(state);

    evolve(state, {
      type: 'FailoverStarted',
      data: { attemptedAt: T0, fallbackMessageId: 'f', fallbackType: 'SMS' },
    });
    evolve(state, statusChanged('SENT', 'FAILED', T0, 'check', { statusCode: '3104' }));

    expect(state).toStrictEqual(before);
  });
});

// ------------------------------------------------------------ invariants

/** The order of progress, as the specification states it. */
function rank(status: DeliveryStatus): number {
  if (status === 'PENDING') return 0;
  if (status === 'SENT') return 1;
  return 2;
}

const isFinal = (status: DeliveryStatus) => rank(status) === 2;

const statusArb = fc.constantFrom<DeliveryStatus>(
  'PENDING',
  'SENT',
  'DELIVERED',
  'FAILED',
  'CANCELLED',
  'UNKNOWN',
);

const observationArb: fc.Arbitrary<Observation> = fc
  .tuple(statusArb, fc.constantFrom(undefined, '3000', '3104', '4000'))
  .map(([status, statusCode]) => (statusCode === undefined ? { status } : { status, statusCode }));

const errorArb = fc.constantFrom<ProviderError>(
  { code: 'NETWORK_TIMEOUT', message: 'timed out' },
  { code: 'RATE_LIMIT_EXCEEDED', message: 'slow down', httpStatus: 429 },
  { code: 'X', message: 'bad gateway', httpStatus: 502 },
  { code: 'INVALID_MESSAGE_ID', message: 'no such message', httpStatus: 404 },
  { code: 'AUTH_FAILED', message: 'bad key', retryable: false },
);

/** True three times in four, so that failover is considered often enough to start. */
const mostly = fc.constantFrom(true, true, true, false);

type CommandAt = (now: number, rules: PollingConfig) => DeliveryCommand;

const commandArb: fc.Arbitrary<CommandAt> = fc.oneof(
  fc.constantFrom('available', 'unsupported', 'missing').map(
    (provider): CommandAt =>
      (now, rules) =>
        checkDue(now, provider, rules),
  ),
  fc.option(observationArb, { nil: null }).map(
    (observation): CommandAt =>
      (now, rules) =>
        checkAnswered(now, observation, rules),
  ),
  errorArb.map(
    (error): CommandAt =>
      (now, rules) =>
        checkFailed(now, error, rules),
  ),
  fc.tuple(fc.constantFrom('r-1', 'r-2', 'r-3', 'r-4'), statusArb).map(
    ([key, status]): CommandAt =>
      (now) =>
        receiptReceived(now, aReceipt(key, status)),
  ),
  fc.record({ enabled: mostly, senderConfigured: mostly, nonKakaoUser: mostly }).map(
    (verdict): CommandAt =>
      (now) =>
        considerFailover(now, verdict),
  ),
  fc
    .constantFrom(
      {
        outcome: 'sent' as const,
        fallbackMessageId: 'msg-1:api-fallback',
        fallbackProviderId: 'p',
      },
      { outcome: 'failed' as const, errorCode: 'E', errorMessage: 'down' },
    )
    .map(
      (result): CommandAt =>
        (now) =>
          finishFailover(now, result),
    ),
);

const sendArb: fc.Arbitrary<SendToRecord> = fc
  .record({
    scheduledIn: fc.option(fc.integer({ min: 0, max: 2 * HOUR }), { nil: undefined }),
    providerMessageId: fc.constantFrom('prov-1', 'prov-1', 'prov-1', ' '),
    type: fc.constantFrom('SMS', 'ALIMTALK'),
    warningCodes: fc.constantFrom(
      [],
      ['FAILOVER_UNSUPPORTED_PROVIDER'],
      ['FAILOVER_PARTIAL_PROVIDER'],
    ),
    fallbackContent: fc.constantFrom(undefined, '', '대체 문자'),
  })
  .map(({ scheduledIn, providerMessageId, type, warningCodes, fallbackContent }) =>
    aSend({
      providerMessageId,
      type,
      warningCodes,
      failover: { enabled: true, ...(fallbackContent !== undefined && { fallbackContent }) },
      ...(scheduledIn !== undefined && { scheduledAt: T0 + scheduledIn }),
    }),
  );

const policyArb: fc.Arbitrary<PollingConfig> = fc
  .record({
    unknownProviderStrategy: fc.constantFrom('unknown' as const, 'wait' as const),
    unsupportedProviderStrategy: fc.constantFrom('skip' as const, 'unknown' as const),
    maxTrackingDurationMs: fc.constantFrom(6 * HOUR, DAY),
  })
  .map(policyWith);

const stepsArb = fc.array(
  fc.record({ after: fc.integer({ min: 0, max: 3 * HOUR }), command: commandArb }),
  { maxLength: 40 },
);

function expectForwardOnly(before: DeliveryState, after: DeliveryState, events: DeliveryEvent[]) {
  if (isFinal(before.status) && after.status !== before.status) {
    expect(before.status).toBe('UNKNOWN');
    expect(['DELIVERED', 'FAILED']).toContain(after.status);
    expect(events.map((event) => event.type)).toContain('StatusSettledLate');
  }
  expect(rank(after.status)).toBeGreaterThanOrEqual(rank(before.status));

  for (const event of events) {
    if (event.type === 'StatusChanged') {
      expect(isFinal(event.data.from)).toBe(false);
      expect(rank(event.data.to)).toBeGreaterThan(rank(event.data.from));
    }
    if (event.type === 'StatusSettledLate') {
      expect(event.data.from).toBe('UNKNOWN');
      expect(['DELIVERED', 'FAILED']).toContain(event.data.to);
    }
  }
}

describe('any run of commands', () => {
  it('should never move a status backwards, and replaying its events should give its state', () => {
    fc.assert(
      fc.property(sendArb, policyArb, stepsArb, (send, rules, steps) => {
        let now = T0 + SECOND;
        const recorded = decide(undefined, recordSend(send, now, rules));
        const history = [...recorded.events];
        let state = recorded.state!;

        expect(replay(history)).toStrictEqual(state);

        for (const step of steps) {
          now += step.after;
          const command = step.command(now, rules);
          const untouched = structuredClone(state);
          const decision = decide(state, command);

          expect(state).toStrictEqual(untouched);
          expectForwardOnly(state, decision.state!, decision.events);
          if (command.type === 'check.due' && isFinal(state.status)) {
            expect(decision.events).toEqual([]);
            expect(decision.awaitingProvider).toBe(false);
          }
          if (decision.awaitingProvider) expect(decision.events).toEqual([]);

          history.push(...decision.events);
          expect(replay(history)).toStrictEqual(decision.state);
          state = decision.state!;
        }
      }),
      { numRuns: 400 },
    );
  });

  it('should record each receipt key once', () => {
    fc.assert(
      fc.property(stepsArb, (steps) => {
        let state = decide(undefined, recordSend(aSend(), T0)).state!;
        let now = T0;
        for (const step of steps) {
          now += step.after;
          state = decide(state, step.command(now, policyWith({}))).state!;
        }

        const keys = state.receiptKeys ?? [];
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 200 },
    );
  });

  it('should keep a message it ended at the same status through later due checks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * DAY }), (later) => {
        const ended = decide(replay([sendRecorded()]), checkDue(T0 + DAY + 1)).state!;
        const decision = decide(ended, checkDue(T0 + DAY + 1 + later));

        expect(ended.status).toBe('UNKNOWN');
        expect(decision.events).toEqual([]);
        expect(decision.state).toStrictEqual(ended);
      }),
      { numRuns: 50 },
    );
  });
});

describe('decide', () => {
  it('should give the same decision for the same state and command', () => {
    const state = replay([sendRecorded()]);
    const command = checkAnswered(T0 + MINUTE, { status: 'DELIVERED', deliveredAt: T0 });

    expect(decide(state, command)).toStrictEqual(decide(state, command));
  });
});
