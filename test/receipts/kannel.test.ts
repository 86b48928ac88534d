import { describe, expect, it } from 'vitest';
import { KANNEL_STATUS_MAP, parseKannelReceipts } from '../../src/receipts/kannel.js';
import { expectReceipt, fixtureLines, reasonOf, receiptOf, utc } from './support.js';

/** The query string Kannel requests for a dlr-url `?type=%d&id=%F&reply=%A&time=%T`. */
function callback(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const [deliveredReceipt = '', undeliveredReceipt = ''] = fixtureLines('smpp-dlr.txt');

describe('reading Kannel delivery report callbacks', () => {
  it('should read the SMPP receipt in the reply, keeping the id from the URL', () => {
    const body = callback({ type: '1', id: '12345678', reply: deliveredReceipt });
    expectReceipt(parseKannelReceipts({ body })[0], {
      providerId: 'kannel',
      providerMessageId: '12345678',
      status: 'DELIVERED',
      providerStatus: 'DELIVRD',
      occurredAt: utc('2026-11-30T10:11:00Z'),
    });
  });

  it("should take the receipt's id when the URL carries none", () => {
    const body = callback({ type: '2', reply: undeliveredReceipt });
    expectReceipt(parseKannelReceipts({ body })[0], {
      providerId: 'kannel',
      providerMessageId: '7a3f90c1',
      status: 'FAILED',
      providerStatus: 'UNDELIV',
      errorCode: '001',
      occurredAt: utc('2026-11-30T10:30:00Z'),
    });
  });

  it('should read receipt dates in the configured time zone', () => {
    const body = callback({ type: '1', id: 'k-1', reply: deliveredReceipt });
    const [item] = parseKannelReceipts({ body }, { timeZoneOffsetMinutes: 540 });
    expect(receiptOf(item).occurredAt).toStrictEqual(utc('2026-11-30T01:11:00Z'));
  });

  it('should read a refusal by the SMSC with its NACK code and words', () => {
    const body = callback({
      type: '16',
      id: 'k-1',
      reply: 'NACK/0x0000000b/Invalid Destination Address',
      time: '1796040003',
    });
    expectReceipt(parseKannelReceipts({ body })[0], {
      providerId: 'kannel',
      providerMessageId: 'k-1',
      status: 'FAILED',
      providerStatus: '16',
      errorCode: '0x0000000b',
      errorMessage: 'Invalid Destination Address',
      occurredAt: utc('2026-11-30T12:00:03Z'),
    });
  });

  it('should read the type alone when the reply is no receipt', () => {
    const body = callback({ type: '8', id: 'k-1', reply: 'ACK/' });
    expectReceipt(parseKannelReceipts({ body })[0], {
      providerId: 'kannel',
      providerMessageId: 'k-1',
      status: 'SENT',
      providerStatus: '8',
    });
  });

  it('should let the type decide when the receipt in the reply cannot be read', () => {
    const body = callback({ type: '1', id: 'k-1', reply: 'id:1 stat:WHATEVER' });
    expect(receiptOf(parseKannelReceipts({ body })[0])).toMatchObject({
      status: 'DELIVERED',
      providerStatus: '1',
    });
  });

  it('should keep the decoded fields as raw', () => {
    const body = callback({ type: '1', id: 'k-1', reply: deliveredReceipt });
    expect(receiptOf(parseKannelReceipts({ body })[0]).raw).toStrictEqual({
      type: '1',
      id: 'k-1',
      reply: deliveredReceipt,
    });
  });

  it.each(Object.entries(KANNEL_STATUS_MAP))('should read type %s as %s', (type, status) => {
    const [item] = parseKannelReceipts({ body: callback({ type, id: 'k-1' }) });
    expect(receiptOf(item).status).toBe(status);
  });

  it('should read a mask of several bits as its most final one', () => {
    const [queuedAndDelivered] = parseKannelReceipts({ body: callback({ type: '5', id: 'k-1' }) });
    const [queuedAndAcked] = parseKannelReceipts({ body: callback({ type: '12', id: 'k-1' }) });
    const [ackedAndRejected] = parseKannelReceipts({ body: callback({ type: '24', id: 'k-1' }) });
    expect(receiptOf(queuedAndDelivered).status).toBe('DELIVERED');
    expect(receiptOf(queuedAndAcked).status).toBe('SENT');
    expect(receiptOf(ackedAndRejected).status).toBe('FAILED');
  });
});

describe('rejecting Kannel callbacks that cannot be read', () => {
  it('should refuse a type that is no sum of the known bits', () => {
    for (const type of ['0', '32', 'delivered', '-1']) {
      const [item] = parseKannelReceipts({ body: callback({ type, id: 'k-1' }) });
      expect(reasonOf(item)).toBe(
        `expected "type" (%d) to be 1, 2, 4, 8, 16 or a sum of them, got "${type}"`,
      );
    }
  });

  it('should refuse a type that says both delivered and failed', () => {
    const [item] = parseKannelReceipts({ body: callback({ type: '3', id: 'k-1' }) });
    expect(reasonOf(item)).toBe('expected "type" (%d) to say delivered or failed, got both in "3"');
  });

  it('should say that the type is missing', () => {
    const [item] = parseKannelReceipts({ body: callback({ id: 'k-1' }) });
    expect(reasonOf(item)).toBe('expected a field "type"');
  });

  it('should say that an id is missing when neither the URL nor the reply has one', () => {
    const [item] = parseKannelReceipts({ body: callback({ type: '1' }) });
    expect(reasonOf(item)).toBe('expected a field "id" (%F), got none');
  });
});
