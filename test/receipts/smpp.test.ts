import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/errors.js';
import { parseSmppReceipt, parseSmppReceipts, SMPP_STATUS_MAP } from '../../src/receipts/smpp.js';
import {
  type ExpectedReceipt,
  expectReceipt,
  fixtureLines,
  readFixture,
  reasonOf,
  receiptOf,
  utc,
} from './support.js';

const FIXTURE_RECEIPTS: readonly ExpectedReceipt[] = [
  receipt('0000000012345678', 'DELIVERED', 'DELIVRD', undefined, '2026-11-30T10:11:00Z'),
  receipt('7a3f90c1', 'FAILED', 'UNDELIV', '001', '2026-11-30T10:30:00Z'),
  receipt('1602718841', 'DELIVERED', 'DELIVRD', undefined, '2026-11-30T10:13:00Z'),
  receipt('55AA10FF', 'FAILED', 'EXPIRED', '0032', '2026-11-30T10:16:05Z'),
  receipt('99182', 'FAILED', 'FAILED', '002', '2026-11-30T10:20:00Z'),
  receipt('4410', 'FAILED', 'REJECTD', '0b1', '2026-11-30T10:22:00Z'),
  receipt('abc-778', 'SENT', 'ACCEPTD', undefined, '2026-11-30T10:25:00Z'),
  receipt('abc-778', 'DELIVERED', 'DELIVRD', undefined, '2026-11-30T10:26:00Z'),
  receipt('31337', 'SENT', 'ENROUTE', undefined, '2026-11-30T10:30:00Z'),
  receipt('8800', 'FAILED', 'DELETED', undefined, '2026-11-30T14:00:00Z'),
  receipt('8801', 'UNKNOWN', 'UNKNOWN', undefined, '2026-11-30T10:32:00Z'),
];

function receipt(
  providerMessageId: string,
  status: ExpectedReceipt['status'],
  providerStatus: string,
  errorCode: string | undefined,
  occurredAt: string | undefined,
): ExpectedReceipt {
  return {
    providerId: 'smpp',
    providerMessageId,
    status,
    providerStatus,
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(occurredAt === undefined ? {} : { occurredAt: utc(occurredAt) }),
  };
}

/** Reads one line that must be a receipt. */
function read(line: string, timeZoneOffsetMinutes?: number) {
  return receiptOf(parseSmppReceipt(line, { timeZoneOffsetMinutes }));
}

describe('reading the SMPP receipt fixture', () => {
  const items = parseSmppReceipts({ body: readFixture('smpp-dlr.txt') });

  it('should give one item for each receipt line, skipping comments', () => {
    expect(items).toHaveLength(FIXTURE_RECEIPTS.length);
  });

  it.each(FIXTURE_RECEIPTS.map((expected, index) => ({ expected, index })))(
    'should read line $index as $expected.providerStatus for $expected.providerMessageId',
    ({ expected, index }) => {
      expectReceipt(items[index], expected);
    },
  );

  it('should keep each line exactly as received', () => {
    expect(items.map((item) => receiptOf(item).raw)).toStrictEqual(fixtureLines('smpp-dlr.txt'));
  });
});

describe('reading SMPP receipts leniently', () => {
  const standard =
    'id:42 sub:001 dlvrd:001 submit date:2611301010 done date:2611301011 ' +
    'stat:DELIVRD err:000 text:hi';

  /** The receipt of a line, without the line itself, to compare writings of one receipt. */
  const readWithoutLine = (line: string) => ({ ...read(line), raw: undefined });

  it('should read the fields in any order', () => {
    const shuffled =
      'stat:DELIVRD done date:2611301011 err:000 id:42 submit date:2611301010 ' +
      'dlvrd:001 sub:001 text:hi';
    expect(readWithoutLine(shuffled)).toStrictEqual(readWithoutLine(standard));
  });

  it('should read keys in any case', () => {
    const shouting =
      'ID:42 Sub:001 DLVRD:001 Submit Date:2611301010 DONE DATE:2611301011 ' +
      'Stat:DELIVRD ERR:000 Text:hi';
    expect(readWithoutLine(shouting)).toStrictEqual(readWithoutLine(standard));
  });

  it('should read a receipt without sub, dlvrd, err or text', () => {
    expect(read('id:42 done date:2611301011 stat:DELIVRD')).toMatchObject({
      providerMessageId: '42',
      status: 'DELIVERED',
      occurredAt: utc('2026-11-30T10:11:00Z'),
    });
  });

  it('should take everything after text: as the text, even keys and colons', () => {
    const item = read('id:42 stat:UNDELIV err:001 text:Your code: 1234 stat:DELIVRD id:99');
    expect(item).toMatchObject({ providerMessageId: '42', status: 'FAILED', errorCode: '001' });
  });

  it('should read the stat in any case and keep it as written', () => {
    expect(read('id:42 stat:delivrd')).toMatchObject({
      status: 'DELIVERED',
      providerStatus: 'delivrd',
    });
  });

  it('should read dates as YYMMDDhhmm, YYMMDDhhmmss and YYYYMMDDhhmm', () => {
    expect(read('id:1 stat:DELIVRD done date:2611301011').occurredAt).toStrictEqual(
      utc('2026-11-30T10:11:00Z'),
    );
    expect(read('id:1 stat:DELIVRD done date:261130101105').occurredAt).toStrictEqual(
      utc('2026-11-30T10:11:05Z'),
    );
    expect(read('id:1 stat:DELIVRD done date:202611301011').occurredAt).toStrictEqual(
      utc('2026-11-30T10:11:00Z'),
    );
  });

  it('should prefer YYMMDDhhmmss when twelve digits read both ways', () => {
    expect(read('id:1 stat:DELIVRD done date:200112101530').occurredAt).toStrictEqual(
      utc('2020-01-12T10:15:30Z'),
    );
  });

  it('should take the submit date when the done date is none', () => {
    const line = 'id:1 submit date:2611301020 done date:0000000000 stat:FAILED err:002';
    expect(read(line).occurredAt).toStrictEqual(utc('2026-11-30T10:20:00Z'));
  });

  it('should give no time when both dates are none', () => {
    const line = 'id:1 submit date:0000000000 done date:0000000000 stat:ENROUTE';
    expect(read(line)).not.toHaveProperty('occurredAt');
  });

  it('should read dates in the configured time zone', () => {
    const line = 'id:1 done date:2611301011 stat:DELIVRD';
    expect(read(line, 540).occurredAt).toStrictEqual(utc('2026-11-30T01:11:00Z'));
    expect(read(line, -300).occurredAt).toStrictEqual(utc('2026-11-30T15:11:00Z'));
  });

  it('should keep error codes of three and four characters unchanged', () => {
    expect(read('id:1 stat:UNDELIV err:00b').errorCode).toBe('00b');
    expect(read('id:1 stat:UNDELIV err:0032').errorCode).toBe('0032');
  });

  it('should leave out an error code of only zeros', () => {
    expect(read('id:1 stat:DELIVRD err:0000')).not.toHaveProperty('errorCode');
  });

  it('should read lines ending in CR LF, and skip blank lines between them', () => {
    const body = '# receipts\r\nid:1 stat:DELIVRD\r\n\r\n   \r\nid:2 stat:UNDELIV\r\n';
    const items = parseSmppReceipts({ body });
    expect(items.map((item) => receiptOf(item).providerMessageId)).toStrictEqual(['1', '2']);
    expect(receiptOf(items[0]).raw).toBe('id:1 stat:DELIVRD');
  });

  it('should name the provider as configured', () => {
    const item = parseSmppReceipt('id:1 stat:DELIVRD', { providerId: 'smsc-seoul' });
    expect(receiptOf(item).providerId).toBe('smsc-seoul');
  });
});

describe('rejecting SMPP lines that are not receipts', () => {
  it('should say that a stat is expected when there is none', () => {
    expect(reasonOf(parseSmppReceipt('id:42 err:000'))).toBe('expected a field "stat:", got none');
  });

  it('should point out a stat that is only inside the text', () => {
    const reason = reasonOf(parseSmppReceipt('id:42 text:hi stat:DELIVRD'));
    expect(reason).toBe(
      'expected a field "stat:" before "text:" (the text runs to the end of the line), got none',
    );
  });

  it('should list the stat words it knows when the stat is another', () => {
    const reason = reasonOf(parseSmppReceipt('id:42 stat:SENTOK'));
    expect(reason).toBe(
      'expected "stat:" to be one of DELIVRD, ACCEPTD, ENROUTE, UNDELIV, EXPIRED, DELETED, ' +
        'REJECTD, FAILED, UNKNOWN, got "SENTOK"',
    );
  });

  it('should say that an id is expected when there is none, or it is empty', () => {
    expect(reasonOf(parseSmppReceipt('stat:DELIVRD'))).toBe('expected a field "id:", got none');
    expect(reasonOf(parseSmppReceipt('id: stat:DELIVRD'))).toBe(
      'expected a value after "id:", got none',
    );
  });

  it('should say which date cannot be read, and how dates are written', () => {
    const reason = reasonOf(parseSmppReceipt('id:1 stat:DELIVRD done date:2613301011'));
    expect(reason).toBe(
      'expected "done date:" as YYMMDDhhmm, YYMMDDhhmmss or YYYYMMDDhhmm, got "2613301011"',
    );
  });

  it('should refuse a field given twice', () => {
    expect(reasonOf(parseSmppReceipt('id:1 stat:DELIVRD stat:UNDELIV'))).toBe(
      'expected one "stat:", got two',
    );
  });

  it('should keep the rejected line as raw', () => {
    expect(parseSmppReceipt('hello world')).toStrictEqual({
      ok: false,
      reason: 'expected a field "id:", got none',
      raw: 'hello world',
    });
  });

  it('should reject only the bad line of a body', () => {
    const items = parseSmppReceipts({ body: 'id:1 stat:DELIVRD\nnonsense\nid:2 stat:EXPIRED' });
    expect(items.map((item) => item.ok)).toStrictEqual([true, false, true]);
  });

  it('should reject a body without receipt lines as a whole', () => {
    const body = '# nothing here\n\n';
    expect(parseSmppReceipts({ body })).toStrictEqual([
      {
        ok: false,
        reason: 'expected at least one receipt line (id:… stat:…), got none',
        raw: body,
      },
    ]);
  });

  it('should refuse a time zone offset that is not whole minutes within 18 hours', () => {
    expect(() => parseSmppReceipt('id:1 stat:DELIVRD', { timeZoneOffsetMinutes: 1.5 })).toThrow(
      ValidationError,
    );
    expect(() => parseSmppReceipt('id:1 stat:DELIVRD', { timeZoneOffsetMinutes: 1200 })).toThrow(
      'timeZoneOffsetMinutes: expected whole minutes between -1080 and 1080, got 1200',
    );
  });
});

describe('reading any writing of the same SMPP receipt', () => {
  type Field = readonly [key: string, value: string];

  const minuteDate = fc
    .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:00Z') })
    .filter((date) => !Number.isNaN(date.getTime()))
    .map((date) => new Date(Math.floor(date.getTime() / 60_000) * 60_000));

  const generatedReceipt = fc.record({
    id: fc.stringMatching(/^[0-9A-Za-z-]{1,20}$/),
    stat: fc.constantFrom(...Object.keys(SMPP_STATUS_MAP)),
    err: fc.option(fc.stringMatching(/^[0-9a-f]{3,4}$/), { nil: undefined }),
    submitted: fc.option(minuteDate, { nil: undefined }),
    done: fc.option(minuteDate, { nil: undefined }),
    sub: fc.option(fc.stringMatching(/^\d{3}$/), { nil: undefined }),
    text: fc.option(
      fc.string({ maxLength: 30 }).filter((text) => !/[\r\n]/.test(text)),
      {
        nil: undefined,
      },
    ),
  });

  const writing = fc.record({
    order: fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
    casing: fc.infiniteStream(fc.constantFrom('lower', 'upper', 'capitalised')),
    separator: fc.constantFrom(' ', '  ', '\t', ' \t '),
  });

  it('should read every order and case of the fields as the same receipt', () => {
    fc.assert(
      fc.property(generatedReceipt, writing, (generated, { order, casing, separator }) => {
        const fields: Field[] = [
          ['id', generated.id],
          ['stat', generated.stat],
          ...optionalField('err', generated.err),
          ...optionalField('sub', generated.sub),
          ...optionalField('submit date', generated.submitted && smppDate(generated.submitted)),
          ...optionalField('done date', generated.done && smppDate(generated.done)),
        ];
        const shuffled = fields
          .map((field) => ({ field, rank: order.next().value as number }))
          .sort((a, b) => a.rank - b.rank)
          .map(({ field: [key, value] }) => `${recase(key, casing.next().value)}:${value}`);
        const text = generated.text === undefined ? [] : [`Text:${generated.text}`];
        const line = [...shuffled, ...text].join(separator);

        const { raw, ...read } = receiptOf(parseSmppReceipt(line));
        const errorCode = generated.err?.replace(/^0+$/, '') || undefined;
        const occurredAt = generated.done ?? generated.submitted;
        expect(raw).toBe(line);
        expect(read).toStrictEqual({
          providerId: 'smpp',
          providerMessageId: generated.id,
          status: SMPP_STATUS_MAP[generated.stat],
          providerStatus: generated.stat,
          ...(errorCode === undefined ? {} : { errorCode }),
          ...(occurredAt === undefined ? {} : { occurredAt }),
        });
      }),
    );
  });

  function optionalField(key: string, value: string | undefined): Field[] {
    return value === undefined ? [] : [[key, value]];
  }

  function recase(key: string, casing: 'lower' | 'upper' | 'capitalised'): string {
    if (casing === 'upper') return key.toUpperCase();
    if (casing === 'lower') return key;
    return key.replace(/\b\w/g, (letter) => letter.toUpperCase());
  }

  function smppDate(date: Date): string {
    const two = (value: number) => String(value).padStart(2, '0');
    return [
      date.getUTCFullYear() % 100,
      date.getUTCMonth() + 1,
      date.getUTCDate(),
      date.getUTCHours(),
      date.getUTCMinutes(),
    ]
      .map(two)
      .join('');
  }
});
