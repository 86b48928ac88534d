import { type FormatTable, fixtureJson, nth, type ReportedStatus } from './support/format-table.js';
import { at } from './support/receipt-times.js';
import { describeReceiptSemantics } from './support/semantics/index.js';

type Report = Record<string, unknown>;

const REPORTS = fixtureJson<Report[]>('solapi-webhook.json');

/** SOLAPI's status code for each status it can report (3059: a failure at the carrier). */
const CODE: Partial<Record<ReportedStatus, string>> = {
  SENT: '3000',
  DELIVERED: '4000',
  FAILED: '3059',
};

/** A webhook of one message: the fixture's first, with its id, status code and times edited. */
function solapiReport(id: string, status: ReportedStatus, minute: number): string {
  const time = at(minute).toISOString();
  const report = {
    ...nth(REPORTS, 0),
    messageId: id,
    statusCode: CODE[status],
    dateReceived: time,
    dateReported: time,
  };
  return JSON.stringify([report]);
}

const solapi: FormatTable = {
  name: 'solapi',
  format: 'solapi',
  providerId: 'solapi-main',
  method: 'POST',
  contentType: 'application/json',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED'],
  id: (n) => `M4V5E${String(n).padStart(27, '0')}`,
  receipt: solapiReport,
  fixtures: [
    {
      name: 'the messages of solapi-webhook.json',
      payloads: [JSON.stringify(REPORTS)],
      expected: {
        M4V20261130101823AAAAAAAAAAAAA01: 'DELIVERED',
        m4v20261130101823aaaaaaaaaaaaa02: 'FAILED',
        M4V20261130101823AAAAAAAAAAAAA03: 'SENT',
      },
      outcomes: { applied: 3, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a body that is no JSON',
      payload: '[{"messageId": "M1"',
      deadLetters: [{ raw: '[{"messageId": "M1"', reason: 'expected a JSON body' }],
    },
    {
      name: 'messages of an unknown code and without an id, beside a good one',
      payload: JSON.stringify([
        { messageId: 'M1', statusCode: '9999' },
        { statusCode: '4000' },
        JSON.parse(solapiReport('M2', 'DELIVERED', 5))[0],
        null,
      ]),
      deadLetters: [
        { raw: '{"messageId":"M1","statusCode":"9999"}', reason: 'got "9999"' },
        { raw: '{"statusCode":"4000"}', reason: 'expected a field "messageId"' },
        { raw: 'null', reason: 'expected a message report object' },
      ],
      readable: 1,
    },
  ],
};

describeReceiptSemantics(solapi);
