import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alternativeKeys, providerMessageKey } from '../../src/receipts/message-id.js';

describe('matching provider message ids', () => {
  it('should match ids that differ only in leading zeros', () => {
    expect(providerMessageKey('0000000012345678')).toBe(providerMessageKey('12345678'));
    expect(providerMessageKey('0000000012345678')).toBe('12345678');
  });

  it('should match ids that differ only in case', () => {
    expect(providerMessageKey('55AA10FF')).toBe(providerMessageKey('55aa10ff'));
  });

  it('should match ids that differ only in surrounding white space', () => {
    expect(providerMessageKey('  7a3f90c1\t')).toBe('7a3f90c1');
  });

  it('should keep one zero of an id of only zeros', () => {
    expect(providerMessageKey('0')).toBe('0');
    expect(providerMessageKey('000')).toBe('0');
  });

  it('should keep zeros that are not leading', () => {
    expect(providerMessageKey('100200')).toBe('100200');
    expect(providerMessageKey('0a0b')).toBe('a0b');
  });

  it('should leave an empty id empty', () => {
    expect(providerMessageKey('')).toBe('');
    expect(providerMessageKey('   ')).toBe('');
  });

  it('should drop spaces that stand among the leading zeros', () => {
    expect(providerMessageKey('0 !')).toBe('!');
    expect(providerMessageKey('0 0 12')).toBe('12');
  });

  it('should give the same key for a key', () => {
    fc.assert(
      fc.property(fc.string(), (id) => {
        const key = providerMessageKey(id);
        expect(providerMessageKey(key)).toBe(key);
      }),
    );
  });
});

describe('re-reading ids in the other base', () => {
  const decimalHex = { decimalHex: true } as const;

  it('should give nothing unless asked for decimal and hex readings', () => {
    expect(alternativeKeys('1602718841')).toStrictEqual([]);
    expect(alternativeKeys('1602718841', { decimalHex: false })).toStrictEqual([]);
  });

  it('should read an id of decimal digits both as decimal written in hex and as hex', () => {
    expect(alternativeKeys('1602718841', decimalHex)).toStrictEqual(['5f878c79', '94530275393']);
  });

  it('should read an id with hex letters only as hex, written in decimal', () => {
    expect(alternativeKeys('55AA10FF', decimalHex)).toStrictEqual(['1437208831']);
    expect(alternativeKeys('7a3f90c1', decimalHex)).toStrictEqual(['2050986177']);
  });

  it('should ignore leading zeros and case before re-reading', () => {
    expect(alternativeKeys('0000000012345678', decimalHex)).toStrictEqual(['bc614e', '305419896']);
    expect(alternativeKeys('0055aa10ff', decimalHex)).toStrictEqual(
      alternativeKeys('55AA10FF', decimalHex),
    );
  });

  it('should find the SMSC id a receipt reports in the other base', () => {
    // submit_sm_resp said 5F878C79 (hex), the receipt says 1602718841 (decimal), and back.
    expect(alternativeKeys('1602718841', decimalHex)).toContain(providerMessageKey('5F878C79'));
    expect(alternativeKeys('5F878C79', decimalHex)).toContain(providerMessageKey('1602718841'));
  });

  it('should keep every digit of ids longer than a double holds', () => {
    const id = '123456789012345678901234567890';
    expect(alternativeKeys(id, decimalHex)[0]).toBe(BigInt(id).toString(16));
    expect(BigInt(`0x${alternativeKeys(id, decimalHex)[0]}`).toString()).toBe(id);
  });

  it('should give nothing for ids that are no number in either base', () => {
    expect(alternativeKeys('abc-778', decimalHex)).toStrictEqual([]);
    expect(alternativeKeys('SM0a1b2c3d', decimalHex)).toStrictEqual([]);
    expect(alternativeKeys('', decimalHex)).toStrictEqual([]);
  });

  it('should not give the id itself back', () => {
    expect(alternativeKeys('0', decimalHex)).toStrictEqual([]);
    expect(alternativeKeys('7', decimalHex)).toStrictEqual([]);
    expect(alternativeKeys('10', decimalHex)).toStrictEqual(['a', '16']);
  });

  it('should not re-read ids longer than an SMPP id can be', () => {
    expect(alternativeKeys('1'.repeat(65), decimalHex)).toStrictEqual([]);
    expect(alternativeKeys('1'.repeat(64), decimalHex)).toHaveLength(2);
  });

  it('should give back the decimal id from the hex reading of its hex key', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 200n }), (value) => {
        const hex = value.toString(16);
        const decimal = value.toString(10);
        if (hex !== decimal) expect(alternativeKeys(hex, decimalHex)).toContain(decimal);
        if (hex !== decimal) expect(alternativeKeys(decimal, decimalHex)).toContain(hex);
      }),
    );
  });
});
