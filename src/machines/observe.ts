import type { Disposition } from './events.js';
import { type DeliveryStatus, isTerminal, statusRank } from './status.js';

export interface Judgement {
  readonly disposition: Disposition;
  /** Why an observation was not applied. */
  readonly reason?: string;
}

/**
 * Decides what a reported status does to a message's status: statuses only
 * move forward (PENDING, SENT, then a final one), and a final status stays,
 * except that an UNKNOWN may still be settled by a later DELIVERED or FAILED.
 */
export function judge(current: DeliveryStatus, observed: DeliveryStatus): Judgement {
  if (observed === current) return { disposition: 'unchanged' };

  if (current === 'UNKNOWN') {
    if (observed === 'DELIVERED' || observed === 'FAILED') return { disposition: 'settled-late' };
    return {
      disposition: 'not-applied',
      reason: `the message already ended UNKNOWN; only DELIVERED or FAILED can settle it, not ${observed}`,
    };
  }
  if (isTerminal(current)) {
    return {
      disposition: 'not-applied',
      reason: `the message is already ${current}, a final status; ${observed} came after it`,
    };
  }
  if (statusRank(observed) < statusRank(current)) {
    return {
      disposition: 'not-applied',
      reason: `${observed} would move the message back from ${current}`,
    };
  }
  return { disposition: 'applied' };
}
