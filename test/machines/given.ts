import { expect } from 'vitest';
import type {
  DeliveryCommand,
  FailoverOutcome,
  ProviderAvailability,
  ReceiptToApply,
  SendToRecord,
} from '../../src/machines/commands.js';
import { type Decision, decide } from '../../src/machines/decide.js';
import type {
  ChangeCause,
  DeliveryEvent,
  Observation,
  SendRecordedData,
  StatusChangedData,
} from '../../src/machines/events.js';
import {
  DEFAULT_POLLING_CONFIG,
  type PollingConfig,
  type ProviderError,
} from '../../src/machines/policy.js';
import { type DeliveryState, replay } from '../../src/machines/state.js';
import type { DeliveryStatus } from '../../src/machines/status.js';

/*
 * Given events, when a command, then events: the delivery machine's
 * specifications read as a message's history, what happens next, and what
 * the machine appends to the stream. Times are fixed; no clock is read.
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** When the message was sent. */
export const T0 = Date.UTC(2025, 2, 3, 9, 0, 0);
export const MESSAGE_ID = 'msg-1';

export const policy: PollingConfig = DEFAULT_POLLING_CONFIG;

export function policyWith(overrides: Partial<PollingConfig>): PollingConfig {
  return { ...DEFAULT_POLLING_CONFIG, ...overrides };
}

/** Some of an object's fields, at any depth, as `toMatchObject` compares them. */
export type Partly<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: Partly<T[K]> }
    : T;

export interface Outcome {
  readonly decision: Decision;
  /** Exactly these events were emitted, in this order. */
  thenEmits(...expected: DeliveryEvent[]): Outcome;
  thenEmitsNothing(): Outcome;
  /** The state after the command holds at least these fields. */
  thenState(expected: Partly<DeliveryState>): Outcome;
  thenAwaitsProvider(expected?: boolean): Outcome;
}

function outcomeOf(decision: Decision): Outcome {
  const outcome: Outcome = {
    decision,
    thenEmits(...expected) {
      expect(decision.events).toEqual(expected);
      return outcome;
    },
    thenEmitsNothing() {
      expect(decision.events).toEqual([]);
      return outcome;
    },
    thenState(expected) {
      expect(decision.state).toMatchObject(expected);
      return outcome;
    },
    thenAwaitsProvider(expected = true) {
      expect(decision.awaitingProvider).toBe(expected);
      return outcome;
    },
  };
  return outcome;
}

export function given(...history: DeliveryEvent[]) {
  const state = replay(history);
  return {
    state,
    when: (command: DeliveryCommand): Outcome => outcomeOf(decide(state, command)),
  };
}

// ---------------------------------------------------------------- events

export function sendRecorded(overrides: Partial<SendRecordedData> = {}): DeliveryEvent {
  return {
    type: 'SendRecorded',
    data: {
      messageId: MESSAGE_ID,
      providerId: 'solapi',
      providerMessageId: 'prov-1',
      type: 'SMS',
      to: '01012345678',
      requestedAt: T0,
      recordedAt: T0,
      status: 'SENT',
      nextCheckAt: T0 + policy.initialDelayMs,
      ...overrides,
    },
  };
}

export function scheduledSendRecorded(scheduledAt: number): DeliveryEvent {
  return sendRecorded({
    scheduledAt,
    status: 'PENDING',
    nextCheckAt: scheduledAt + policy.scheduledGraceMs,
  });
}

export function statusChanged(
  from: DeliveryStatus,
  to: DeliveryStatus,
  changedAt: number,
  cause: ChangeCause,
  detail: Partial<StatusChangedData> = {},
): DeliveryEvent {
  return { type: 'StatusChanged', data: { from, to, changedAt, cause, ...detail } };
}

export function statusSettledLate(
  to: 'DELIVERED' | 'FAILED',
  changedAt: number,
  cause: ChangeCause,
): DeliveryEvent {
  return { type: 'StatusSettledLate', data: { from: 'UNKNOWN', to, changedAt, cause } };
}

export const TRACKING_TIMEOUT = {
  code: 'TRACKING_TIMEOUT',
  message: 'max tracking duration exceeded',
};

/** A sent message whose tracking timed out at `at`, on its first check. */
export function trackingTimedOut(at: number): DeliveryEvent[] {
  return [
    {
      type: 'CheckCompleted',
      data: {
        checkedAt: at,
        attempt: 1,
        result: { kind: 'tracking-timeout' },
        nextCheckAt: at,
        lastError: TRACKING_TIMEOUT,
      },
    },
    statusChanged('SENT', 'UNKNOWN', at, 'tracking-timeout', { lastError: TRACKING_TIMEOUT }),
  ];
}

/** When the message of `historyIn` reached its status. */
export const SETTLED_AT = T0 + 5 * MINUTE;

/** The history of a message that now stands at `status`. */
export function historyIn(status: DeliveryStatus): DeliveryEvent[] {
  switch (status) {
    case 'PENDING':
      return [scheduledSendRecorded(T0 + HOUR)];
    case 'SENT':
      return [sendRecorded()];
    case 'UNKNOWN':
      return [sendRecorded(), ...trackingTimedOut(SETTLED_AT)];
    default:
      return [sendRecorded(), statusChanged('SENT', status, SETTLED_AT, 'receipt')];
  }
}

// ---------------------------------------------------------------- commands

export function aSend(overrides: Partial<SendToRecord> = {}): SendToRecord {
  return {
    messageId: MESSAGE_ID,
    providerId: 'solapi',
    providerMessageId: 'prov-1',
    type: 'SMS',
    to: '01012345678',
    requestedAt: T0,
    ...overrides,
  };
}

export function recordSend(send: SendToRecord, now = T0, rules = policy): DeliveryCommand {
  return { type: 'send.record', now, policy: rules, send };
}

export function checkDue(
  now: number,
  provider: ProviderAvailability = 'available',
  rules = policy,
): DeliveryCommand {
  return { type: 'check.due', now, policy: rules, provider };
}

export function checkAnswered(
  now: number,
  observation: Observation | null,
  rules = policy,
): DeliveryCommand {
  return { type: 'check.answered', now, policy: rules, observation };
}

export function checkFailed(now: number, error: ProviderError, rules = policy): DeliveryCommand {
  return { type: 'check.failed', now, policy: rules, error };
}

export function aReceipt(
  receiptKey: string,
  status: DeliveryStatus,
  extra: Partial<ReceiptToApply> = {},
): ReceiptToApply {
  return { receiptKey, providerStatus: status, observation: { status }, ...extra };
}

export function receiptReceived(now: number, receipt: ReceiptToApply): DeliveryCommand {
  return { type: 'receipt.received', now, receipt };
}

export interface FailoverVerdict {
  readonly enabled: boolean;
  readonly senderConfigured: boolean;
  readonly nonKakaoUser: boolean;
}

export function considerFailover(
  now: number,
  verdict: Partial<FailoverVerdict> = {},
): DeliveryCommand {
  return {
    type: 'failover.consider',
    now,
    enabled: true,
    senderConfigured: true,
    nonKakaoUser: true,
    ...verdict,
  };
}

export function finishFailover(now: number, result: FailoverOutcome): DeliveryCommand {
  return { type: 'failover.finished', now, result };
}
