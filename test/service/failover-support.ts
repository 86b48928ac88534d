import {
  type ApiFailoverAttemptContext,
  type DeliveryState,
  type FailoverSendInput,
  ok,
  type Result,
  type TrackingRecord,
} from '../../src/index.js';
import type { SendSpec } from './support.js';

/** What an AlimTalk send asks for: an SMS in its place should it not reach a KakaoTalk user. */
export const FAILOVER_REQUEST = {
  enabled: true,
  fallbackContent: '[대체] 주문이 접수되었습니다',
};

/** An AlimTalk send that asked for failover and was warned the provider may not do it. */
export function alimTalk(messageId: string, overrides: Partial<SendSpec> = {}): SendSpec {
  return {
    messageId,
    type: 'ALIMTALK',
    failover: FAILOVER_REQUEST,
    warnings: [{ code: 'FAILOVER_UNSUPPORTED_PROVIDER', message: 'no provider-side failover' }],
    ...overrides,
  };
}

type SenderResult = Result<{ messageId: string; providerId: string }>;

/** A failover sender that remembers what it was asked to send. */
export interface FakeSender {
  (input: FailoverSendInput, context: ApiFailoverAttemptContext): Promise<SenderResult>;
  readonly calls: Array<{ input: FailoverSendInput; context: ApiFailoverAttemptContext }>;
}

/** A sender that sends through `solapi-sms`, or answers as `answer` says. */
export function fakeSender(
  answer: (
    input: FailoverSendInput,
    context: ApiFailoverAttemptContext,
  ) => SenderResult | Promise<SenderResult> = (input) =>
    ok({ messageId: input.messageId, providerId: 'solapi-sms' }),
): FakeSender {
  const calls: FakeSender['calls'] = [];
  const sender = async (input: FailoverSendInput, context: ApiFailoverAttemptContext) => {
    calls.push({ input, context });
    return answer(input, context);
  };
  return Object.assign(sender, { calls });
}

type FailoverMetadata = NonNullable<NonNullable<DeliveryState['metadata']>['failover']>;

/** What a record's metadata says of its failover. */
export function failoverOf(record: TrackingRecord): FailoverMetadata | undefined {
  return record.metadata?.failover as FailoverMetadata | undefined;
}
