import { describe, expect, it } from 'vitest';
import { useFormatLedgers } from './support/format-ledgers.js';
import { type FormatTable, readFixture } from './support/format-table.js';
import { describeReceiptSemantics } from './support/semantics/index.js';
import { smppReceiptLine } from './support/smpp-lines.js';

const smpp: FormatTable = {
  name: 'smpp',
  format: 'smpp',
  providerId: 'smsc-main',
  method: 'POST',
  contentType: 'text/plain',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'],
  id: (n) => (0x7a3f90c0 + n).toString(16),
  receipt: smppReceiptLine,
  fixtures: [
    {
      name: 'the receipt lines of smpp-dlr.txt, sent as one body',
      payloads: [readFixture('smpp-dlr.txt')],
      // As the sends recorded the ids: leading zeros lost or added, case changed.
      expected: {
        '12345678': 'DELIVERED',
        '7A3F90C1': 'FAILED',
        '1602718841': 'DELIVERED',
        '55aa10ff': 'FAILED',
        '0099182': 'FAILED',
        '4410': 'FAILED',
        'ABC-778': 'DELIVERED',
        '31337': 'SENT',
        '8800': 'FAILED',
        '8801': 'UNKNOWN',
      },
      outcomes: { applied: 11, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a line that is no receipt',
      payload: 'this line is no receipt',
      deadLetters: [{ raw: 'this line is no receipt', reason: 'expected a field "id:"' }],
    },
    {
      name: 'a receipt with an unknown stat',
      payload: 'id:77 sub:001 dlvrd:001 done date:2611301011 stat:EXPLODED err:000',
      deadLetters: [
        {
          raw: 'id:77 sub:001 dlvrd:001 done date:2611301011 stat:EXPLODED err:000',
          reason: 'expected "stat:" to be one of DELIVRD',
        },
      ],
    },
    {
      name: 'a receipt with a date that is no date, beside one that can be read',
      payload: [
        'id:78 done date:2613451011 stat:DELIVRD',
        smppReceiptLine('79', 'DELIVERED', 5),
        '# a comment line is no item',
      ].join('\n'),
      deadLetters: [
        { raw: 'id:78 done date:2613451011 stat:DELIVRD', reason: '"done date:" as YYMMDDhhmm' },
      ],
      readable: 1,
    },
    {
      name: 'a body with only a comment',
      payload: '# nothing else\n',
      deadLetters: [{ raw: '# nothing else\n', reason: 'expected at least one receipt line' }],
    },
  ],
};

describeReceiptSemantics(smpp);

describe('smpp receipts whose id is written in the other base', () => {
  const decimalHex = { receiptMatching: { [smpp.providerId]: { decimalHex: true } } };
  const matchingBases = useFormatLedgers(smpp, { service: decimalHex });
  const matchingCase = useFormatLedgers(smpp);
  const decimal = (hex: string) => BigInt(`0x${hex}`).toString(10);
  const cases = [
    {
      case: 'a decimal id for a send recorded in hex',
      ids: (hex: string) => ({ receipt: decimal(hex), send: hex.toUpperCase() }),
    },
    {
      case: 'a hex id for a send recorded in decimal',
      ids: (hex: string) => ({ receipt: hex, send: decimal(hex) }),
    },
  ];
  const arrivals = ['send first', 'receipt first'] as const;

  it.each(cases.flatMap((c) => arrivals.map((arrival) => ({ ...c, arrival }))))(
    'should match $case when the provider is set to, $arrival',
    async ({ ids, arrival }) => {
      const harness = await matchingBases.shared();
      const { receipt, send } = ids(harness.id(1));

      if (arrival === 'send first') await harness.send(1, send);
      await harness.deliver(smppReceiptLine(receipt, 'DELIVERED', 5));
      if (arrival === 'receipt first') await harness.send(1, send);

      expect(await harness.api.statusOf(harness.messageId(1))).toBe('DELIVERED');
    },
  );

  it.each(cases)('should not match $case when the provider is not set to', async ({ ids }) => {
    const harness = await matchingCase.shared();
    const { receipt, send } = ids(harness.id(1));
    await harness.send(1, send);

    const [result] = (await harness.deliver(smppReceiptLine(receipt, 'DELIVERED', 5))) ?? [];

    expect(result).toMatchObject({ outcome: 'pending' });
    expect(await harness.api.statusOf(harness.messageId(1))).toBe('SENT');
  });
});

describe('smpp receipts that all come before their send, in one body', () => {
  const ledgers = useFormatLedgers(smpp);

  // Receipts parked in the same millisecond must still be applied in the order they came
  // (the log order of their ReceiptParked events), not in the order of their keys.
  it('should apply them in the order they came, so a late FAILED stays late', async () => {
    const harness = await ledgers.shared();
    const messages = [1, 2, 3, 4, 5, 6, 7, 8];
    const body = messages
      .flatMap((n) => [harness.receipt(n, 'DELIVERED', 5), harness.receipt(n, 'FAILED', 6)])
      .join('\n');

    const results = (await harness.deliver(body)) ?? [];
    for (const n of messages) await harness.send(n);

    expect(results.every((result) => result.outcome === 'pending')).toBe(true);
    const statuses = await Promise.all(
      messages.map((n) => harness.api.statusOf(harness.messageId(n))),
    );
    expect(statuses).toEqual(messages.map(() => 'DELIVERED'));
  });
});
