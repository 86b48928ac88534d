import { describe, expect, it } from 'vitest';
import { JASMIN_ACK_BODY, parseJasminReceipts } from '../../src/receipts/jasmin.js';
import { expectReceipt, fixtureLines, reasonOf, receiptOf, utc } from './support.js';

const [submitted = '', delivered = '', refused = ''] = fixtureLines('jasmin-http-dlr.txt');

describe('reading Jasmin HTTP delivery receipts', () => {
  it('should read an accepted submit (level 1, ESME_ROK) as SENT', () => {
    expectReceipt(parseJasminReceipts({ body: submitted })[0], {
      providerId: 'jasmin',
      providerMessageId: '16fd2706-8baf-433b-82eb-000000000001',
      status: 'SENT',
      providerStatus: 'ESME_ROK',
    });
  });

  it('should read a level 3 receipt by its SMPP stat, at its done date', () => {
    expectReceipt(parseJasminReceipts({ body: delivered })[0], {
      providerId: 'jasmin',
      providerMessageId: '16fd2706-8baf-433b-82eb-000000000001',
      status: 'DELIVERED',
      providerStatus: 'DELIVRD',
      occurredAt: utc('2026-11-30T10:11:00Z'),
    });
  });

  it('should read a refused submit as FAILED, with the ESME status as error code', () => {
    expectReceipt(parseJasminReceipts({ body: refused })[0], {
      providerId: 'jasmin',
      providerMessageId: '16fd2706-8baf-433b-82eb-000000000002',
      status: 'FAILED',
      providerStatus: 'ESME_RINVNUMDESTS',
      errorCode: 'ESME_RINVNUMDESTS',
    });
  });

  it('should keep the decoded form fields as raw', () => {
    expect(receiptOf(parseJasminReceipts({ body: delivered })[0]).raw).toMatchObject({
      id_smsc: '2567',
      text: 'Your code is',
    });
  });

  it('should read a level 2 failure with its err, in the configured time zone', () => {
    const body =
      'id=j-1&message_status=UNDELIV&level=2&subdate=2611301010&donedate=0000000000&err=045';
    expect(
      receiptOf(parseJasminReceipts({ body }, { timeZoneOffsetMinutes: 540 })[0]),
    ).toMatchObject({
      status: 'FAILED',
      errorCode: '045',
      occurredAt: utc('2026-11-30T01:10:00Z'),
    });
  });

  it('should name the body Jasmin expects as the answer', () => {
    expect(JASMIN_ACK_BODY).toBe('ACK/Jasmin');
  });
});

describe('rejecting Jasmin receipts that cannot be read', () => {
  it('should say which field is missing', () => {
    const [item] = parseJasminReceipts({ body: 'message_status=DELIVRD&level=3' });
    expect(reasonOf(item)).toBe('expected a field "id"');
  });

  it('should list the stat words it knows when the status is another', () => {
    const [item] = parseJasminReceipts({ body: 'id=j-1&message_status=GONE&level=2' });
    expect(reasonOf(item)).toMatch(/^expected "message_status" to be one of DELIVRD, .*"GONE"$/);
  });

  it('should reject a body that is not form fields as one item holding the body', () => {
    expect(parseJasminReceipts({ body: '' })).toStrictEqual([
      { ok: false, reason: 'expected form fields (name=value&…), got an empty body', raw: '' },
    ]);
  });
});
