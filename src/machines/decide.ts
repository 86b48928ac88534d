import { type AnyActorScope, createActor } from 'xstate';
import type { DeliveryCommand } from './commands.js';
import { deliveryMachine, snapshotOf } from './delivery-machine.js';
import type { DeliveryEvent } from './events.js';
import { type DeliveryState, evolve } from './state.js';

export interface Decision {
  /** The events to append, in order; none when the command changes nothing. */
  readonly events: DeliveryEvent[];
  /** The state after those events. */
  readonly state: DeliveryState | undefined;
  /** True when the command was a due check that must now ask the provider. */
  readonly awaitingProvider: boolean;
}

// One inert scope for every decision: the machine's actions are collected,
// never executed, so deciding costs a transition and no actor. `decide` is
// synchronous, so the shared buffer is never used by two calls at once.
const collected: DeliveryEvent[] = [];
const self = createActor(deliveryMachine, { input: undefined });
const scope = {
  self,
  id: 'delivery-decider',
  sessionId: 'delivery-decider',
  logger: () => {},
  defer: () => {},
  emit: () => {},
  stopChild: () => {},
  system: self.system,
  actionExecutor: (action: { type: string; params?: unknown }) => {
    if (action.type === 'xstate.emit') {
      collected.push((action.params as { event: DeliveryEvent }).event);
    }
  },
} as unknown as AnyActorScope;

/**
 * Runs one command through the delivery machine, from the state a message's
 * events left it in.
 */
export function decide(state: DeliveryState | undefined, command: DeliveryCommand): Decision {
  collected.length = 0;
  const next = deliveryMachine.transition(snapshotOf(state), command, scope);
  const events = collected.splice(0);
  let after = state;
  for (const event of events) after = evolve(after, event);
  return { events, state: after, awaitingProvider: next.hasTag('awaiting-provider') };
}
