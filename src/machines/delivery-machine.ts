import { enqueueActions, setup } from 'xstate';
import type { DeliveryCommand } from './commands.js';
import * as emit from './emitters.js';
import type { DeliveryEvent } from './events.js';
import type { DeliveryState } from './state.js';
import type { DeliveryStatus } from './status.js';

/** The machine's context: the message's state, absent before its send is recorded. */
export interface DeliveryContext {
  readonly state: DeliveryState | undefined;
}

const FAILOVER_WARNINGS = new Set(['FAILOVER_UNSUPPORTED_PROVIDER', 'FAILOVER_PARTIAL_PROVIDER']);

type Args = { context: DeliveryContext; event: DeliveryCommand };
type Of<T extends DeliveryCommand['type']> = Extract<DeliveryCommand, { type: T }>;

function emitting<T extends DeliveryCommand['type']>(
  build: (state: DeliveryState, command: Of<T>) => DeliveryEvent[],
) {
  return enqueueActions<
    DeliveryContext,
    DeliveryCommand,
    undefined,
    DeliveryCommand,
    never,
    never,
    never,
    never,
    DeliveryEvent
  >(({ context, event, enqueue }) => {
    for (const out of build(context.state!, event as Of<T>)) enqueue.emit(out);
  });
}

const due = (event: DeliveryCommand) => event as Of<'check.due'>;

/**
 * The lifecycle of one message. It decides and does no I/O: each command
 * (a send recorded, a check due or answered, a receipt, a failover step)
 * emits the domain events to append to the message's stream. The state it
 * decides from is rebuilt from those events (see `evolve`), never kept alive.
 *
 * `open.checking` is where a due check waits for the provider's answer: the
 * caller asks the provider, then sends `check.answered` or `check.failed`.
 */
export const deliveryMachine = setup({
  types: {
    context: {} as DeliveryContext,
    events: {} as DeliveryCommand,
    emitted: {} as DeliveryEvent,
    input: {} as DeliveryState | undefined,
  },
  guards: {
    tracked: ({ context }: Args) => context.state !== undefined,
    insideScheduleGrace: ({ context, event }: Args) => {
      const { now, policy } = due(event);
      const scheduledAt = context.state!.scheduledAt;
      return scheduledAt !== undefined && now < scheduledAt + policy.scheduledGraceMs;
    },
    trackingExpired: ({ context, event }: Args) => {
      const { now, policy } = due(event);
      const start = emit.trackingStart(context.state!, policy);
      return policy.maxTrackingDurationMs > 0 && now - start > policy.maxTrackingDurationMs;
    },
    providerMissingEnds: ({ event }: Args) =>
      due(event).provider === 'missing' && due(event).policy.unknownProviderStrategy === 'unknown',
    providerMissingWaits: ({ event }: Args) => due(event).provider === 'missing',
    providerUnsupportedEnds: ({ event }: Args) =>
      due(event).provider === 'unsupported' &&
      due(event).policy.unsupportedProviderStrategy === 'unknown',
    providerUnsupportedSkips: ({ event }: Args) => due(event).provider === 'unsupported',
    newReceipt: ({ context, event }: Args) =>
      context.state !== undefined &&
      !(context.state.receiptKeys ?? []).includes(
        (event as Of<'receipt.received'>).receipt.receiptKey,
      ),
    failoverEligible: ({ context, event }: Args) => {
      const command = event as Of<'failover.consider'>;
      const state = context.state;
      const failover = state?.metadata?.failover;
      return (
        state !== undefined &&
        command.enabled &&
        command.nonKakaoUser &&
        state.type === 'ALIMTALK' &&
        state.status === 'FAILED' &&
        failover?.request.enabled === true &&
        !failover.apiAttempt.attempted &&
        failover.sendWarningCodes.some((code) => FAILOVER_WARNINGS.has(code))
      );
    },
    failoverInFlight: ({ context }: Args) => {
      const attempt = context.state?.metadata?.failover?.apiAttempt;
      return attempt?.status === 'attempting' && attempt.outcome === undefined;
    },
  },
  actions: {
    recordSend: emitting<'send.record'>((_, c) => emit.sendRecorded(c.send, c.now, c.policy)),
    deferForScheduleGrace: emitting<'check.due'>(emit.deferForScheduleGrace),
    expireTracking: emitting<'check.due'>((s, c) => emit.endTracking(s, c, 'tracking-timeout')),
    endForMissingProvider: emitting<'check.due'>((s, c) =>
      emit.endTracking(s, c, 'provider-not-found'),
    ),
    waitForReceipts: emitting<'check.due'>(emit.waitForReceipts),
    endForUnsupportedProvider: emitting<'check.due'>((s, c) =>
      emit.endTracking(s, c, 'unsupported-provider'),
    ),
    skipUnsupportedProvider: emitting<'check.due'>(emit.skipUnsupported),
    recordAnswer: emitting<'check.answered'>(emit.checkAnswered),
    recordCheckFailure: emitting<'check.failed'>(emit.checkFailed),
    recordReceipt: emitting<'receipt.received'>(emit.receiptReceived),
    startFailover: emitting<'failover.consider'>(emit.failoverStarted),
    finishFailover: emitting<'failover.finished'>((_, c) => emit.failoverFinished(c)),
  },
}).createMachine({
  id: 'delivery',
  context: ({ input }) => ({ state: input }),
  initial: 'untracked',
  states: {
    untracked: {
      on: { 'send.record': { actions: 'recordSend' } },
    },
    open: {
      tags: ['open'],
      initial: 'sent',
      states: {
        pending: {},
        sent: {},
        checking: { tags: ['awaiting-provider'] },
      },
      on: {
        'check.due': [
          { guard: 'insideScheduleGrace', actions: 'deferForScheduleGrace' },
          { guard: 'trackingExpired', actions: 'expireTracking' },
          { guard: 'providerMissingEnds', actions: 'endForMissingProvider' },
          { guard: 'providerMissingWaits', actions: 'waitForReceipts' },
          { guard: 'providerUnsupportedEnds', actions: 'endForUnsupportedProvider' },
          { guard: 'providerUnsupportedSkips', actions: 'skipUnsupportedProvider' },
          { target: '.checking' },
        ],
      },
    },
    closed: {
      tags: ['final'],
      initial: 'unknown',
      states: { delivered: {}, failed: {}, cancelled: {}, unknown: {} },
    },
  },
  on: {
    'check.answered': { guard: 'tracked', actions: 'recordAnswer' },
    'check.failed': { guard: 'tracked', actions: 'recordCheckFailure' },
    'receipt.received': { guard: 'newReceipt', actions: 'recordReceipt' },
    'failover.consider': { guard: 'failoverEligible', actions: 'startFailover' },
    'failover.finished': { guard: 'failoverInFlight', actions: 'finishFailover' },
  },
});

const STATE_VALUE: Record<DeliveryStatus, Record<string, string>> = {
  PENDING: { open: 'pending' },
  SENT: { open: 'sent' },
  DELIVERED: { closed: 'delivered' },
  FAILED: { closed: 'failed' },
  CANCELLED: { closed: 'cancelled' },
  UNKNOWN: { closed: 'unknown' },
};

type DeliverySnapshot = ReturnType<typeof deliveryMachine.resolveState>;

const untracked = deliveryMachine.resolveState({
  value: 'untracked',
  context: { state: undefined },
});

// What xstate resolves from a state value (the active nodes, their tags) is
// the same for every message with the same status; only the context differs.
const byStatus = Object.fromEntries(
  Object.entries(STATE_VALUE).map(([status, value]) => [
    status,
    deliveryMachine.resolveState({ value, context: { state: undefined } }),
  ]),
) as Record<DeliveryStatus, DeliverySnapshot>;

/**
 * The machine snapshot for a message's state, without replaying its events
 * through the machine: the snapshot resolved once for its status, with the
 * state as context. Snapshots are immutable, so the rest is shared.
 */
export function snapshotOf(state: DeliveryState | undefined): DeliverySnapshot {
  if (state === undefined) return untracked;
  return { ...byStatus[state.status], context: { state } };
}
