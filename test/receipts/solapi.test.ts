import { describe, expect, it } from 'vitest';
import {
  parseSolapiReceipts,
  SOLAPI_NOT_ON_KAKAOTALK_CODES,
  SOLAPI_STATUS_MAP,
} from '../../src/receipts/solapi.js';
import { expectReceipt, readFixture, reasonOf, receiptOf, utc } from './support.js';

const messages = JSON.parse(readFixture('solapi-webhook.json')) as Record<string, unknown>[];
const [received, notOnKakaoTalk] = messages;

describe('reading SOLAPI delivery report webhooks', () => {
  const items = parseSolapiReceipts({ body: readFixture('solapi-webhook.json') });

  it('should give one item for each message of the array', () => {
    expect(items).toHaveLength(3);
  });

  it('should read an AlimTalk received by the handset as DELIVERED when received', () => {
    expectReceipt(items[0], {
      providerId: 'solapi',
      providerMessageId: 'M4V20261130101823AAAAAAAAAAAAA01',
      status: 'DELIVERED',
      providerStatus: '4000',
      occurredAt: utc('2026-11-30T01:18:44Z'),
    });
  });

  it('should read a recipient without KakaoTalk as FAILED, keeping the code as error code', () => {
    expectReceipt(items[1], {
      providerId: 'solapi',
      providerMessageId: 'M4V20261130101823AAAAAAAAAAAAA02',
      status: 'FAILED',
      providerStatus: '3104',
      errorCode: '3104',
      occurredAt: utc('2026-11-30T01:18:46Z'),
    });
    expect(SOLAPI_NOT_ON_KAKAOTALK_CODES.has(receiptOf(items[1]).errorCode ?? '')).toBe(true);
  });

  it('should read a message handed to the carrier as SENT when processed', () => {
    expectReceipt(items[2], {
      providerId: 'solapi',
      providerMessageId: 'M4V20261130101823AAAAAAAAAAAAA03',
      status: 'SENT',
      providerStatus: '3000',
      occurredAt: utc('2026-11-30T01:18:42Z'),
    });
  });

  it("should keep the provider's words for a failure as the error message", () => {
    const body = JSON.stringify({ ...notOnKakaoTalk, statusMessage: '카카오톡 미사용자' });
    expect(receiptOf(parseSolapiReceipts({ body })[0])).toMatchObject({
      errorCode: '3104',
      errorMessage: '카카오톡 미사용자',
    });
  });

  it('should read one message object, and messages under data', () => {
    expect(parseSolapiReceipts({ body: JSON.stringify(received) })).toHaveLength(1);
    const wrapped = JSON.stringify({ data: [received, notOnKakaoTalk] });
    expect(parseSolapiReceipts({ body: wrapped }).map((item) => item.ok)).toStrictEqual([
      true,
      true,
    ]);
  });

  it('should read a status code given as a number', () => {
    const body = JSON.stringify({ ...received, statusCode: 2000 });
    expect(receiptOf(parseSolapiReceipts({ body })[0])).toMatchObject({
      status: 'SENT',
      providerStatus: '2000',
    });
  });

  it.each(Object.entries(SOLAPI_STATUS_MAP))('should read %s as %s', (code, status) => {
    const body = JSON.stringify({ ...received, statusCode: code });
    expect(receiptOf(parseSolapiReceipts({ body })[0])).toMatchObject({ status });
    expect(receiptOf(parseSolapiReceipts({ body })[0])).not.toHaveProperty('errorCode');
  });

  it.each(['1020', '2130', '3059', '3107'])('should read failure code %s as FAILED', (code) => {
    const body = JSON.stringify({ ...received, statusCode: code });
    expect(receiptOf(parseSolapiReceipts({ body })[0])).toMatchObject({
      status: 'FAILED',
      errorCode: code,
    });
  });
});

describe('rejecting SOLAPI reports that cannot be read', () => {
  it('should reject a status code outside the known ranges, saying which are known', () => {
    const body = JSON.stringify({ ...received, statusCode: '5000' });
    expect(reasonOf(parseSolapiReceipts({ body })[0])).toBe(
      'expected "statusCode" to be 2000, 3000, 4000 or a failure from 1000 to 3999, got "5000"',
    );
  });

  it('should reject a status code that only looks like a table key', () => {
    const body = JSON.stringify({ ...received, statusCode: 'constructor' });
    expect(reasonOf(parseSolapiReceipts({ body })[0])).toMatch(/got "constructor"$/);
  });

  it('should reject a message without an id', () => {
    const { messageId: _, ...withoutId } = received ?? {};
    expect(reasonOf(parseSolapiReceipts({ body: JSON.stringify(withoutId) })[0])).toBe(
      'expected a field "messageId"',
    );
  });

  it('should reject a body that is not JSON as one item holding the body', () => {
    const body = '[{"messageId":';
    const items = parseSolapiReceipts({ body });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ok: false, raw: body });
  });
});
