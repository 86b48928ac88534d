import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import {
  isReceiptFormat,
  parseReceiptPayload,
  RECEIPT_FORMATS,
  type ReceiptFormat,
} from '../../src/receipts/index.js';
import { readFixture, reasonOf, receiptOf } from './support.js';

const FORMATS = Object.keys(RECEIPT_FORMATS) as ReceiptFormat[];
const JSON_FORMATS: readonly ReceiptFormat[] = ['infobip', 'aws-sms', 'solapi'];

describe('choosing a parser by format name', () => {
  it('should know the eight formats', () => {
    expect(FORMATS).toStrictEqual([
      'smpp',
      'twilio',
      'vonage',
      'infobip',
      'aws-sms',
      'solapi',
      'jasmin',
      'kannel',
    ]);
    expect(isReceiptFormat('kannel')).toBe(true);
    expect(isReceiptFormat('toString')).toBe(false);
  });

  it('should refuse an unknown format, listing the known ones', () => {
    const parse = () => parseReceiptPayload('sinch', { body: '{}' });
    expect(parse).toThrow(ValidationError);
    expect(parse).toThrow(
      'format: expected one of smpp, twilio, vonage, infobip, aws-sms, solapi, jasmin, kannel, ' +
        'got "sinch"',
    );
  });

  it('should hand the payload and options to the format it names', () => {
    const items = parseReceiptPayload(
      'smpp',
      { body: readFixture('smpp-dlr.txt') },
      { providerId: 'smsc-seoul', timeZoneOffsetMinutes: 540 },
    );
    expect(receiptOf(items[0])).toMatchObject({
      providerId: 'smsc-seoul',
      occurredAt: new Date('2026-11-30T01:11:00Z'),
    });
  });

  it('should hand the Vonage signature options to the Vonage parser', () => {
    const body = 'messageId=0C1&status=delivered';
    expect(() => parseReceiptPayload('vonage', { body }, { signature: { secret: 's' } })).toThrow(
      expect.objectContaining({ code: 'UNAUTHORIZED' }),
    );
  });

  it.each(JSON_FORMATS)('should reject a %s body that is not JSON as one item', (format) => {
    const body = 'MessageSid=SM1&MessageStatus=sent';
    const items = parseReceiptPayload(format, { body });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ ok: false, raw: body });
    expect(reasonOf(items[0])).toMatch(/^expected a JSON body, but it does not parse/);
  });
});

describe('reading any payload without throwing', () => {
  const anyJson = fc.jsonValue().map((value) => JSON.stringify(value));
  const anyForm = fc
    .dictionary(fc.constantFrom('id', 'type', 'reply', 'MessageSid', 'status', 'err'), fc.string())
    .map((fields) => new URLSearchParams(fields).toString());
  const anyBody = fc.oneof(fc.string(), anyJson, anyForm);

  it('should give read or rejected items for any body in any format', () => {
    fc.assert(
      fc.property(fc.constantFrom(...FORMATS), anyBody, (format, body) => {
        const items = parseReceiptPayload(format, { body });
        for (const item of items) {
          if (item.ok) expect(typeof item.receipt.providerMessageId).toBe('string');
          else expect(item.reason).toMatch(/^expected /);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('should read any JSON shape as items, never as a thrown error', () => {
    const shaped = fc.oneof(
      fc.jsonValue(),
      fc.record({ results: fc.array(fc.jsonValue()) }),
      fc.record({ data: fc.array(fc.jsonValue()) }),
      fc.record({ Type: fc.string(), Message: fc.oneof(fc.string(), anyJson) }),
      fc.record({ detail: fc.jsonValue() }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...FORMATS), shaped, (format, value) => {
        expect(() => parseReceiptPayload(format, { body: JSON.stringify(value) })).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });
});
