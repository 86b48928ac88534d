import { describe, expect, it } from 'vitest';
import {
  createDeliveryTrackingHooks,
  type HookContext,
  type Logger,
  type SendResult,
} from '../../src/index.js';
import { recordOf, sendContext, sendResult, useLedgers } from './support.js';

const ledgers = useLedgers();

/** A logger that keeps what was logged at warn level. */
function warnings() {
  const logged: Array<{ obj: Record<string, unknown>; msg?: string }> = [];
  const logger: Logger = {
    debug: () => {},
    info: () => {},
    warn: (obj, msg) => {
      logged.push({ obj: obj as Record<string, unknown>, ...(msg !== undefined && { msg }) });
    },
    error: () => {},
    child: () => logger,
  };
  return { logger, logged };
}

describe("k-msg's delivery tracking hooks", () => {
  it.each(['onSuccess', 'onQueued'] as const)(
    'should start tracking a send on %s',
    async (hook) => {
      const { service } = ledgers.open();
      const hooks = createDeliveryTrackingHooks(service);

      await hooks[hook](sendContext({ messageId: 'm-1' }), sendResult({ messageId: 'm-1' }));

      expect((await recordOf(service, 'm-1')).status).toBe('SENT');
    },
  );

  it('should not throw when the send cannot be recorded, and say so at warn level', async () => {
    const { service } = ledgers.open();
    const { logger, logged } = warnings();
    const hooks = createDeliveryTrackingHooks(service, logger);
    const result = { ...sendResult({ messageId: 'm-1' }), providerId: '' };

    await expect(
      hooks.onSuccess(sendContext({ messageId: 'm-1', to: '01099998888' }), result),
    ).resolves.toBeUndefined();

    expect(logged).toHaveLength(1);
    expect(logged[0]?.obj).toMatchObject({ messageId: 'm-1' });
    expect(JSON.stringify(logged[0]?.obj)).not.toContain('01099998888');
    expect(await service.countRecords()).toBe(0);
  });

  it('should not throw when the service is closed', async () => {
    const { service } = ledgers.open();
    await service.close();
    const hooks = createDeliveryTrackingHooks(service);

    await expect(
      hooks.onQueued(sendContext({ messageId: 'm-1' }), sendResult({ messageId: 'm-1' })),
    ).resolves.toBeUndefined();
  });

  it('should not throw for arguments that are not a send at all', async () => {
    const { service } = ledgers.open();
    const hooks = createDeliveryTrackingHooks(service);

    await expect(
      hooks.onSuccess(undefined as unknown as HookContext, null as unknown as SendResult),
    ).resolves.toBeUndefined();
  });

  it('should not throw when the recorder throws before it returns a promise', async () => {
    const recorder = {
      recordSend(): Promise<void> {
        throw new Error('not ready');
      },
    };
    const hooks = createDeliveryTrackingHooks(recorder);

    await expect(
      hooks.onSuccess(sendContext({ messageId: 'm-1' }), sendResult({ messageId: 'm-1' })),
    ).resolves.toBeUndefined();
  });
});
