import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { HookContext, SendResult } from './types.js';

interface Recorder {
  recordSend(context: HookContext, result: SendResult): Promise<void>;
}

/**
 * k-msg hooks that start tracking each successful or queued send. A tracking
 * error is logged and never breaks the send.
 */
export function createDeliveryTrackingHooks(service: Recorder, logger: Logger = silentLogger) {
  const log = logger.child({ component: 'hooks' });
  const track = async (context: HookContext, result: SendResult): Promise<void> => {
    try {
      await service.recordSend(context, result);
    } catch (error) {
      log.warn({ err: error, messageId: context?.messageId }, 'could not start tracking a send');
    }
  };
  return { onSuccess: track, onQueued: track };
}
