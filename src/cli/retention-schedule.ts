import type { Logger } from '../logger.js';
import type { DeliveryTrackingService } from '../service/delivery-tracking-service.js';

/** Retention runs on a schedule, until stopped. */
export interface RetentionSchedule {
  /** Stops scheduling runs and waits for the run in flight, if any. */
  stop(): Promise<void>;
}

/**
 * Runs `service.runRetention()` every `intervalMs`, the first one an interval after the start,
 * and logs what each run deleted, by message type. A run that fails is logged and the next one
 * comes as planned; runs never overlap, as each is planned when the last one ends.
 */
export function scheduleRetention(
  service: DeliveryTrackingService,
  intervalMs: number,
  logger: Logger,
): RetentionSchedule {
  const log = logger.child({ component: 'retention-schedule' });
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const runOnce = async () => {
    try {
      const { examined, deleted, deletedByType } = await service.runRetention();
      log.info({ examined, deleted, deletedByType }, 'retention run');
    } catch (error) {
      log.error({ err: error }, 'retention run failed');
    }
  };
  const plan = () => {
    timer = setTimeout(() => {
      running = runOnce().finally(() => {
        running = undefined;
        if (!stopped) plan();
      });
    }, intervalMs);
  };
  plan();
  log.info({ intervalMs }, 'retention scheduled');

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
