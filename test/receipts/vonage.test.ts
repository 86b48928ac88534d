import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseVonageReceipts, VONAGE_STATUS_MAP } from '../../src/receipts/vonage.js';
import {
  computeVonageSignature,
  verifyVonageSignature,
} from '../../src/receipts/vonage-signature.js';
import { expectReceipt, fixtureLines, readFixture, reasonOf, receiptOf, utc } from './support.js';

const JSON_TYPE = 'application/json';
const FORM_TYPE = 'application/x-www-form-urlencoded';

describe('reading Vonage delivery receipts posted as JSON', () => {
  const items = parseVonageReceipts({
    body: readFixture('vonage-dlr.json'),
    contentType: JSON_TYPE,
  });

  it('should give one item for each receipt of an array', () => {
    expect(items).toHaveLength(4);
  });

  it('should read a delivered receipt at its scts, leaving out error code 0', () => {
    expectReceipt(items[0], {
      providerId: 'vonage',
      providerMessageId: '0B00000127FDBC63',
      status: 'DELIVERED',
      providerStatus: 'delivered',
      occurredAt: utc('2026-11-30T10:10:00Z'),
    });
  });

  it('should read a failed receipt with its error code', () => {
    expectReceipt(items[1], {
      providerId: 'vonage',
      providerMessageId: '0B00000127FDBC64',
      status: 'FAILED',
      providerStatus: 'failed',
      errorCode: '1',
      occurredAt: utc('2026-11-30T10:12:00Z'),
    });
  });

  it('should read accepted as SENT and a later expired as FAILED', () => {
    expectReceipt(items[2], {
      providerId: 'vonage',
      providerMessageId: '0B00000127FDBC65',
      status: 'SENT',
      providerStatus: 'accepted',
      occurredAt: utc('2026-11-30T10:12:00Z'),
    });
    expectReceipt(items[3], {
      providerId: 'vonage',
      providerMessageId: '0B00000127FDBC65',
      status: 'FAILED',
      providerStatus: 'expired',
      occurredAt: utc('2026-12-03T10:12:00Z'),
    });
  });

  it('should keep the receipt object as raw', () => {
    expect(receiptOf(items[0]).raw).toMatchObject({ msisdn: '15555550123', price: '0.03330000' });
  });

  it('should read a single receipt object as one item', () => {
    const body = '{"messageId":"0B1","status":"buffered"}';
    const [item, ...rest] = parseVonageReceipts({ body, contentType: JSON_TYPE });
    expect(rest).toHaveLength(0);
    expect(receiptOf(item)).toMatchObject({ providerMessageId: '0B1', status: 'SENT' });
  });

  it('should read a JSON body without a content type', () => {
    const [item] = parseVonageReceipts({ body: ' {"messageId":"0B1","status":"delivered"}' });
    expect(receiptOf(item).status).toBe('DELIVERED');
  });
});

describe('reading Vonage delivery receipts sent as a query string', () => {
  const [line = ''] = fixtureLines('vonage-dlr-query.txt');

  it('should read the fields of the query string', () => {
    expectReceipt(parseVonageReceipts({ body: line })[0], {
      providerId: 'vonage',
      providerMessageId: '0C0000002EEBDA56',
      status: 'DELIVERED',
      providerStatus: 'delivered',
      occurredAt: utc('2026-11-30T11:24:00Z'),
    });
  });

  it('should keep the decoded fields as raw', () => {
    const [item] = parseVonageReceipts({ body: `?${line}`, contentType: FORM_TYPE });
    expect(receiptOf(item).raw).toMatchObject({ 'message-timestamp': '2026-11-30 11:24:03' });
  });

  it('should take the message timestamp, as UTC, when there is no scts', () => {
    const body = 'messageId=0C1&status=delivered&message-timestamp=2026-11-30+11%3A24%3A03';
    const [item] = parseVonageReceipts({ body });
    expect(receiptOf(item).occurredAt).toStrictEqual(utc('2026-11-30T11:24:03Z'));
  });

  it('should read the part of a multi-part message', () => {
    const body = 'messageId=0C1&status=delivered&concat=true&concat-part=2&concat-total=3';
    const [item] = parseVonageReceipts({ body });
    expect(receiptOf(item).segment).toStrictEqual({ index: 2, count: 3 });
  });

  it.each(Object.entries(VONAGE_STATUS_MAP))('should read %s as %s', (word, status) => {
    const [item] = parseVonageReceipts({ body: `messageId=0C1&status=${word}` });
    expect(receiptOf(item).status).toBe(status);
  });
});

describe('rejecting Vonage receipts that cannot be read', () => {
  it('should reject a body that is not JSON as one item holding the body', () => {
    const body = '{"messageId": "0B1", ';
    const items = parseVonageReceipts({ body, contentType: JSON_TYPE });
    expect(items).toHaveLength(1);
    expect(reasonOf(items[0])).toMatch(/^expected a JSON body, but it does not parse: /);
    expect(items[0]).toMatchObject({ raw: body });
  });

  it('should reject an element of the array that is no object, and read the others', () => {
    const body = '[42, {"messageId":"0B1","status":"delivered"}]';
    const items = parseVonageReceipts({ body });
    expect(items[0]).toStrictEqual({
      ok: false,
      reason: 'expected a delivery receipt object',
      raw: '42',
    });
    expect(receiptOf(items[1]).status).toBe('DELIVERED');
  });

  it('should say which field is missing', () => {
    const [item] = parseVonageReceipts({ body: 'status=delivered' });
    expect(reasonOf(item)).toBe('expected a field "messageId"');
  });

  it('should list the statuses it knows when the status is another', () => {
    const [item] = parseVonageReceipts({ body: 'messageId=0C1&status=sent' });
    expect(reasonOf(item)).toBe(
      'expected "status" to be one of accepted, buffered, delivered, expired, failed, rejected, ' +
        'unknown, got "sent"',
    );
  });

  it('should reject a part number beyond the part count', () => {
    const [item] = parseVonageReceipts({
      body: 'messageId=0C1&status=delivered&concat-part=4&concat-total=3',
    });
    expect(reasonOf(item)).toBe('expected "concat-part" from 1 to "concat-total", got part 4 of 3');
  });

  it('should reject a field of the wrong type', () => {
    const [item] = parseVonageReceipts({ body: '{"messageId":{"id":1},"status":"delivered"}' });
    expect(reasonOf(item)).toBe('expected "messageId" to be a string or a number, got an object');
  });
});

describe('verifying Vonage signatures', () => {
  const secret = 'my-signature-secret';
  const params = { messageId: '0C1', status: 'delivered', timestamp: '1796040000' };
  // The documented md5hash scheme written out by hand: sorted `&name=value` pairs, then the secret.
  const knownGood = createHash('md5')
    .update(`&messageId=0C1&status=delivered&timestamp=1796040000${secret}`)
    .digest('hex');

  it("should compute the signature of the example in Vonage's SDK tests", () => {
    const example = { a: '1', b: '2', timestamp: '1461605396' };
    expect(computeVonageSignature(example, 'secret')).toBe('6af838ef94998832dbfc29020b564830');
  });

  it('should accept the signature computed by the documented md5hash scheme', () => {
    expect(verifyVonageSignature({ ...params, sig: knownGood }, { secret })).toBe(true);
  });

  it('should accept the signature whatever the case of its hex digits', () => {
    const sig = knownGood.toUpperCase();
    expect(verifyVonageSignature({ ...params, sig }, { secret })).toBe(true);
  });

  it('should refuse the signature when a parameter was changed or added', () => {
    const changed = { ...params, status: 'failed', sig: knownGood };
    const added = { ...params, price: '0.01', sig: knownGood };
    expect(verifyVonageSignature(changed, { secret })).toBe(false);
    expect(verifyVonageSignature(added, { secret })).toBe(false);
  });

  it('should refuse a request without a signature, or signed with another secret', () => {
    expect(verifyVonageSignature(params, { secret })).toBe(false);
    expect(verifyVonageSignature({ ...params, sig: knownGood }, { secret: 'other' })).toBe(false);
  });

  it('should sign & and = in values as underscores', () => {
    const withSeparators = { text: 'a=b&c', timestamp: '1' };
    const expected = createHash('md5').update(`&text=a_b_c&timestamp=1${secret}`).digest('hex');
    expect(computeVonageSignature(withSeparators, secret)).toBe(expected);
  });

  it('should check HMAC signatures with the method configured', () => {
    const signed = '&messageId=0C1&status=delivered&timestamp=1796040000';
    const sig = createHmac('sha256', secret).update(signed).digest('hex').toUpperCase();
    expect(verifyVonageSignature({ ...params, sig }, { secret, method: 'sha256' })).toBe(true);
    expect(verifyVonageSignature({ ...params, sig }, { secret })).toBe(false);
  });

  it('should refuse a signed request too far from now, when given now', () => {
    const signedParams = { ...params, sig: knownGood };
    const soon = new Date((1796040000 + 200) * 1000);
    const late = new Date((1796040000 + 301) * 1000);
    expect(verifyVonageSignature(signedParams, { secret, now: soon })).toBe(true);
    expect(verifyVonageSignature(signedParams, { secret, now: late })).toBe(false);
    expect(verifyVonageSignature(signedParams, { secret, now: late, toleranceSeconds: 600 })).toBe(
      true,
    );
  });
});

describe('reading Vonage receipts when a signature secret is configured', () => {
  const secret = 'my-signature-secret';
  const fields = { messageId: '0C1', status: 'delivered', timestamp: '1796040000' };
  const sig = computeVonageSignature(fields, secret);

  it('should read a receipt that carries a valid signature', () => {
    const body = new URLSearchParams({ ...fields, sig }).toString();
    const [item] = parseVonageReceipts({ body }, { signature: { secret } });
    expect(receiptOf(item).status).toBe('DELIVERED');
  });

  it('should check the signature of a JSON receipt too', () => {
    const body = JSON.stringify({ ...fields, sig });
    const [item] = parseVonageReceipts({ body }, { signature: { secret } });
    expect(receiptOf(item).status).toBe('DELIVERED');
  });

  it('should refuse a receipt without a signature as unauthorized', () => {
    const body = new URLSearchParams(fields).toString();
    expect(() => parseVonageReceipts({ body }, { signature: { secret } })).toThrow(
      expect.objectContaining({
        code: 'UNAUTHORIZED',
        message: 'expected a signed Vonage receipt (a "sig" field), got none',
      }),
    );
  });

  it('should refuse a receipt whose fields were changed after signing as unauthorized', () => {
    const body = new URLSearchParams({ ...fields, status: 'failed', sig }).toString();
    expect(() => parseVonageReceipts({ body }, { signature: { secret } })).toThrow(
      expect.objectContaining({
        code: 'UNAUTHORIZED',
        message:
          'expected "sig" to be the signature of the receipt with the configured secret, but it is not',
      }),
    );
  });
});
