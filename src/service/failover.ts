import type { DeliveryState } from '../machines/state.js';
import { toTrackingRecord } from '../projections/tracking-record.js';
import type { ApiFailoverConfig, ApiFailoverRule, FailoverSendInput } from './types.js';

/**
 * Whether a failed AlimTalk failed because the recipient does not use
 * KakaoTalk: the user's classifier if given, else the provider's rule, else
 * the built-in rules for solapi and iwinv.
 */
export function isNonKakaoUser(config: ApiFailoverConfig, state: DeliveryState): boolean {
  const statusCode = state.providerStatusCode;
  const statusMessage = state.providerStatusMessage;

  if (typeof config.classifyNonKakaoUser === 'function') {
    try {
      return Boolean(
        config.classifyNonKakaoUser({
          record: toTrackingRecord(state),
          ...(statusCode !== undefined && { statusCode }),
          ...(statusMessage !== undefined && { statusMessage }),
          raw: state.raw,
        }),
      );
    } catch {
      return false;
    }
  }

  const rule = config.rulesByProviderId?.[state.providerId];
  if (rule && matchesRule(statusCode, statusMessage, rule)) return true;

  if (state.providerId === 'solapi') {
    return (
      statusCode === '3104' || statusCode === '3107' || (statusMessage ?? '').includes('미사용자')
    );
  }
  if (state.providerId === 'iwinv') {
    const text = `${statusCode ?? ''} ${statusMessage ?? ''}`;
    return text.includes('카카오') && text.includes('미사용');
  }
  return false;
}

function matchesRule(code: string | undefined, message: string | undefined, rule: ApiFailoverRule) {
  if (code !== undefined && rule.statusCodes?.includes(code)) return true;
  return (
    message !== undefined && (rule.messageIncludes ?? []).some((token) => message.includes(token))
  );
}

/** The SMS (or LMS) that replaces a failed AlimTalk. */
export function fallbackSend(state: DeliveryState): FailoverSendInput {
  const request = state.metadata?.failover?.request ?? {};
  const type = request.fallbackChannel === 'lms' ? 'LMS' : 'SMS';
  const title = request.fallbackTitle?.trim();
  return {
    type,
    to: state.to,
    ...(state.from !== undefined && { from: state.from }),
    text: request.fallbackContent?.trim() ?? '',
    ...(type === 'LMS' && title && { subject: title }),
    messageId: `${state.messageId}:api-fallback`,
  };
}
