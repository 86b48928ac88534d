import type { FailoverRequest, Observation } from './events.js';
import type { PollingConfig, ProviderError } from './policy.js';

/** A send to start tracking, already checked and normalized by the service. */
export interface SendToRecord {
  readonly messageId: string;
  readonly providerId: string;
  readonly providerMessageId: string;
  readonly type: string;
  readonly to: string;
  readonly from?: string;
  readonly requestedAt: number;
  readonly scheduledAt?: number;
  readonly sendStatus?: string;
  readonly warningCodes?: readonly string[];
  readonly customFields?: Record<string, unknown>;
  readonly failover?: FailoverRequest;
}

/** A receipt as the machine takes it: already matched to this message. */
export interface ReceiptToApply {
  readonly receiptKey: string;
  readonly format?: string;
  readonly providerStatus: string;
  readonly errorCode?: string;
  readonly occurredAt?: number;
  readonly segment?: { readonly index: number; readonly count: number };
  readonly observation: Observation;
}

/** How the message's provider can be asked, as the service found it. */
export type ProviderAvailability = 'available' | 'unsupported' | 'missing';

export type FailoverOutcome =
  | {
      readonly outcome: 'sent';
      readonly fallbackMessageId: string;
      readonly fallbackProviderId: string;
    }
  | { readonly outcome: 'failed'; readonly errorCode: string; readonly errorMessage: string };

/**
 * What the delivery machine is asked to decide. Every command carries the
 * time (`now`, epoch ms) and the rules it needs, so that deciding is pure.
 */
export type DeliveryCommand =
  | {
      readonly type: 'send.record';
      readonly now: number;
      readonly policy: PollingConfig;
      readonly send: SendToRecord;
    }
  | {
      readonly type: 'check.due';
      readonly now: number;
      readonly policy: PollingConfig;
      readonly provider: ProviderAvailability;
    }
  | {
      readonly type: 'check.answered';
      readonly now: number;
      readonly policy: PollingConfig;
      readonly observation: Observation | null;
    }
  | {
      readonly type: 'check.failed';
      readonly now: number;
      readonly policy: PollingConfig;
      readonly error: ProviderError;
    }
  | { readonly type: 'receipt.received'; readonly now: number; readonly receipt: ReceiptToApply }
  | {
      readonly type: 'failover.consider';
      readonly now: number;
      /** Whether API failover is configured and enabled. */
      readonly enabled: boolean;
      readonly senderConfigured: boolean;
      /** The classifier's verdict: the recipient does not use KakaoTalk. */
      readonly nonKakaoUser: boolean;
      /**
       * Names this attempt, so that of two callers that both saw the failure,
       * only the one whose FailoverStarted was stored goes on to send.
       */
      readonly attemptId?: string;
    }
  | { readonly type: 'failover.finished'; readonly now: number; readonly result: FailoverOutcome };

export type DeliveryCommandType = DeliveryCommand['type'];
