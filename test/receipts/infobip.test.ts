import { describe, expect, it } from 'vitest';
import { INFOBIP_STATUS_MAP, parseInfobipReceipts } from '../../src/receipts/infobip.js';
import { expectReceipt, readFixture, reasonOf, receiptOf, utc } from './support.js';

/** One Infobip result with the given status and error, as a report body. */
function report(result: Record<string, unknown>): string {
  return JSON.stringify({ results: [{ messageId: 'IB-1', ...result }] });
}

describe('reading Infobip delivery reports', () => {
  const items = parseInfobipReceipts({ body: readFixture('infobip-delivery-report.json') });

  it('should give one item for each result', () => {
    expect(items).toHaveLength(3);
  });

  it('should read a delivered result at its done time, leaving out NO_ERROR', () => {
    expectReceipt(items[0], {
      providerId: 'infobip',
      providerMessageId: 'IB-MSG-0001',
      status: 'DELIVERED',
      providerStatus: 'DELIVERED',
      occurredAt: utc('2026-11-30T10:00:04Z'),
    });
  });

  it('should read an expired result as FAILED with the error name and description', () => {
    expectReceipt(items[1], {
      providerId: 'infobip',
      providerMessageId: 'IB-MSG-0002',
      status: 'FAILED',
      providerStatus: 'EXPIRED',
      errorCode: 'EC_ABSENT_SUBSCRIBER',
      errorMessage: 'Absent Subscriber',
      occurredAt: utc('2026-12-02T10:00:00Z'),
    });
  });

  it('should read a rejected result as FAILED, its time written with +00:00', () => {
    expectReceipt(items[2], {
      providerId: 'infobip',
      providerMessageId: 'IB-MSG-0003',
      status: 'FAILED',
      providerStatus: 'REJECTED',
      occurredAt: utc('2026-11-30T10:00:01Z'),
    });
  });

  it('should keep the result object, with its detailed status, as raw', () => {
    expect(receiptOf(items[0]).raw).toMatchObject({ status: { name: 'DELIVERED_TO_HANDSET' } });
  });

  it.each(Object.entries(INFOBIP_STATUS_MAP))('should read the group %s as %s', (group, status) => {
    const [item] = parseInfobipReceipts({ body: report({ status: { groupName: group } }) });
    expect(receiptOf(item).status).toBe(status);
  });

  it('should read the status group from its id when it has no name', () => {
    const [item] = parseInfobipReceipts({ body: report({ status: { groupId: 1 } }) });
    expect(receiptOf(item)).toMatchObject({ status: 'SENT', providerStatus: 'PENDING' });
  });

  it('should take the sent time when there is no done time, in another zone', () => {
    const body = report({
      status: { groupName: 'PENDING' },
      sentAt: '2026-11-30T19:00:00.000+0900',
    });
    expect(receiptOf(parseInfobipReceipts({ body })[0]).occurredAt).toStrictEqual(
      utc('2026-11-30T10:00:00Z'),
    );
  });

  it('should take the error id as the code when the error has no name', () => {
    const body = report({ status: { groupName: 'UNDELIVERABLE' }, error: { id: 27 } });
    expect(receiptOf(parseInfobipReceipts({ body })[0]).errorCode).toBe('27');
  });
});

describe('rejecting Infobip reports that cannot be read', () => {
  it('should reject a body without a results array as one item holding the body', () => {
    const body = '{"messageId":"IB-1"}';
    expect(parseInfobipReceipts({ body })).toStrictEqual([
      { ok: false, reason: 'expected an object with a "results" array', raw: body },
    ]);
  });

  it('should reject a body that is not JSON as one item holding the body', () => {
    const [item, ...rest] = parseInfobipReceipts({ body: 'results=1' });
    expect(rest).toHaveLength(0);
    expect(item).toMatchObject({ ok: false, raw: 'results=1' });
  });

  it('should reject a result without a status, naming the field', () => {
    const [item] = parseInfobipReceipts({ body: report({}) });
    expect(reasonOf(item)).toBe('expected a field "status" holding an object');
  });

  it('should list the status groups it knows when the group is another', () => {
    const [item] = parseInfobipReceipts({ body: report({ status: { groupName: 'LOST' } }) });
    expect(reasonOf(item)).toBe(
      'expected "status.groupName" to be one of PENDING, UNDELIVERABLE, DELIVERED, EXPIRED, ' +
        'REJECTED, got "LOST"',
    );
  });

  it('should reject a done time that is no time', () => {
    const body = report({ status: { groupName: 'DELIVERED' }, doneAt: 'yesterday' });
    expect(reasonOf(parseInfobipReceipts({ body })[0])).toBe(
      'expected "doneAt" as an ISO 8601 time (2026-11-30T10:00:04.000+0000), got "yesterday"',
    );
  });

  it('should reject a result that is no object, and read the others', () => {
    const body = '{"results":[null,{"messageId":"IB-1","status":{"groupName":"DELIVERED"}}]}';
    const items = parseInfobipReceipts({ body });
    expect(items.map((item) => item.ok)).toStrictEqual([false, true]);
    expect(items[0]).toMatchObject({ raw: 'null' });
  });
});
