import type { DeliveryStatus } from '../../src/machines/status.js';
import { type FormatTable, fixtureLines, type ReportedStatus } from './support/format-table.js';
import { describeReceiptSemantics } from './support/semantics/index.js';
import { smppReceiptLine } from './support/smpp-lines.js';

/** The report type (`%d`) Kannel gives each status: delivered, not delivered, on the SMSC. */
const TYPE: Record<DeliveryStatus, string> = {
  PENDING: '4',
  SENT: '8',
  DELIVERED: '1',
  FAILED: '2',
  CANCELLED: '2',
  UNKNOWN: '8',
};

/** The query Kannel requests for a dlr-url `?type=%d&id=%F&reply=%A&time=%T`. */
function kannelCallback(id: string, status: ReportedStatus, minute: number): string {
  const reply = smppReceiptLine(id, status, minute);
  return new URLSearchParams({ type: TYPE[status], id, reply }).toString();
}

/** The status each `stat` of the SMPP fixture stands for. */
const STATUS_OF_STAT: Readonly<Record<string, DeliveryStatus>> = {
  DELIVRD: 'DELIVERED',
  ACCEPTD: 'SENT',
  ENROUTE: 'SENT',
  UNKNOWN: 'UNKNOWN',
};

/** A fixture receipt as Kannel's `%A`, without `id` in the URL: the receipt's own id is used. */
function fromFixtureLine(line: string): string {
  const stat = /\bstat:(\S+)/.exec(line)?.[1] ?? '';
  return new URLSearchParams({
    type: TYPE[STATUS_OF_STAT[stat] ?? 'FAILED'],
    reply: line,
  }).toString();
}

const nack = new URLSearchParams({
  type: '16',
  id: 'k-5e-nack',
  reply: 'NACK/0x0000000b/Invalid Destination Address',
  time: '1796040003',
}).toString();

const kannel: FormatTable = {
  name: 'kannel',
  format: 'kannel',
  providerId: 'kannel-main',
  method: 'GET',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'],
  id: (n) => `5e${n.toString(16).padStart(8, '0')}`,
  receipt: kannelCallback,
  fixtures: [
    {
      name: 'the receipts of smpp-dlr.txt as %A, and a refusal by the SMSC',
      payloads: [...fixtureLines('smpp-dlr.txt').map(fromFixtureLine), nack],
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
        'K-5E-NACK': 'FAILED',
      },
      outcomes: { applied: 12, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a callback with neither an id nor a receipt',
      payload: 'type=1',
      deadLetters: [{ raw: 'type=1', reason: 'expected a field "id" (%F)' }],
    },
    {
      name: 'a callback without a type',
      payload: 'id=k1&reply=ACK',
      deadLetters: [{ raw: 'id=k1&reply=ACK', reason: 'expected a field "type"' }],
    },
    {
      name: 'a callback whose type says delivered and failed',
      payload: 'type=3&id=k1',
      deadLetters: [{ raw: 'type=3&id=k1', reason: 'got both in "3"' }],
    },
    {
      name: 'a callback of an unknown type',
      payload: 'type=99&id=k1',
      deadLetters: [{ raw: 'type=99&id=k1', reason: 'expected "type" (%d) to be 1, 2, 4, 8, 16' }],
    },
  ],
};

describeReceiptSemantics(kannel);
