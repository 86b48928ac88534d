import { describe, expect, it } from 'vitest';
import { recordOf, recordSend, useLedgers } from './support.js';

const ledgers = useLedgers();

describe('taking a provider payload in the library', () => {
  it('should parse it in its format, record each report, and keep what cannot be read', async () => {
    const { service } = ledgers.open();
    await recordSend(service, {
      messageId: 'm-1',
      providerId: 'smsc',
      providerMessageId: '12345678',
    });
    const body = [
      'id:0000000012345678 sub:001 dlvrd:001 submit date:2611301010 done date:2611301011 stat:DELIVRD err:000 text:none',
      'this is not a receipt',
      'id:999 stat:DELIVRD err:000',
    ].join('\n');

    const answer = await service.ingestPayload('smpp', { body }, { providerId: 'smsc' });

    expect(answer).toMatchObject({ applied: 1, rejected: 1, pending: 1, ignored: 0 });
    expect(answer.results[0]).toMatchObject({ line: 1, outcome: 'applied', messageId: 'm-1' });
    expect((await recordOf(service, 'm-1')).status).toBe('DELIVERED');
    const [deadLetter] = await service.listDeadLetters();
    expect(deadLetter).toMatchObject({
      format: 'smpp',
      providerId: 'smsc',
      raw: 'this is not a receipt',
    });
  });

  it('should refuse a format it does not know, listing the ones it does', async () => {
    const { service } = ledgers.open();

    await expect(service.ingestPayload('carrier-pigeon', { body: 'coo' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('smpp'),
    });
  });
});
