import {
  editForm,
  type FormatTable,
  fixtureJson,
  fixtureLines,
  nth,
  type ReportedStatus,
  readFixture,
} from './format-table.js';
import { at, smppDate, vonageTimestamp } from './receipt-times.js';

/*
 * Vonage delivery receipts, as JSON POSTs and as GET queries: the two tables of the format, and
 * receipts made by editing the fixtures'.
 */

const WORD: Record<ReportedStatus, string> = {
  SENT: 'buffered',
  DELIVERED: 'delivered',
  FAILED: 'failed',
  UNKNOWN: 'unknown',
};

const JSON_RECEIPTS = fixtureJson<Record<string, string>[]>('vonage-dlr.json');
const QUERY = nth(fixtureLines('vonage-dlr-query.txt'), 0);

/** The fields a receipt for `id` has, edited from the fixture's. */
function fieldChanges(id: string, status: ReportedStatus, minute: number) {
  return {
    messageId: id,
    status: WORD[status],
    scts: smppDate(at(minute)),
    'message-timestamp': vonageTimestamp(at(minute)),
    'err-code': status === 'FAILED' ? '1' : '0',
  };
}

/** A JSON receipt: the fixture's first, edited. */
export function jsonReceipt(
  id: string,
  status: ReportedStatus,
  minute: number,
  more: Record<string, string> = {},
): string {
  return JSON.stringify({ ...nth(JSON_RECEIPTS, 0), ...fieldChanges(id, status, minute), ...more });
}

/** A query string receipt: the fixture's, edited. */
export function queryReceipt(
  id: string,
  status: ReportedStatus,
  minute: number,
  more: Record<string, string> = {},
): string {
  return editForm(QUERY, { ...fieldChanges(id, status, minute), ...more });
}

const common = {
  format: 'vonage',
  providerId: 'vonage-main',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'],
  id: (n: number) => `0C5E${n.toString(16).toUpperCase().padStart(12, '0')}`,
} as const;

export const vonageJson: FormatTable = {
  ...common,
  name: 'vonage, JSON POST',
  method: 'POST',
  contentType: 'application/json',
  receipt: jsonReceipt,
  fixtures: [
    {
      name: 'the receipts of vonage-dlr.json, sent as one array',
      payloads: [readFixture('vonage-dlr.json')],
      expected: {
        '0B00000127FDBC63': 'DELIVERED',
        '0b00000127fdbc64': 'FAILED',
        '0B00000127FDBC65': 'FAILED',
      },
      outcomes: { applied: 4, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a body that is no JSON',
      payload: '{"messageId": "0B1", status',
      deadLetters: [{ raw: '{"messageId": "0B1", status', reason: 'expected a JSON body' }],
    },
    {
      name: 'a receipt without a status',
      payload: '{"messageId":"0B1"}',
      deadLetters: [{ raw: '{"messageId":"0B1"}', reason: 'expected a field "status"' }],
    },
    {
      name: 'an array with a receipt of an unknown status and a number, beside a good one',
      payload: `[{"messageId":"0B1","status":"exploded"},42,${jsonReceipt('0B2', 'DELIVERED', 5)}]`,
      deadLetters: [
        {
          raw: '{"messageId":"0B1","status":"exploded"}',
          reason: 'expected "status" to be one of accepted',
        },
        { raw: '42', reason: 'expected a delivery receipt object' },
      ],
      readable: 1,
    },
    {
      name: 'a part that is not a part of the message',
      payload: '{"messageId":"0B1","status":"delivered","concat-part":"4","concat-total":"3"}',
      deadLetters: [
        {
          raw: '{"messageId":"0B1","status":"delivered","concat-part":"4","concat-total":"3"}',
          reason: 'expected "concat-part" from 1 to "concat-total", got part 4 of 3',
        },
      ],
    },
  ],
};

export const vonageQuery: FormatTable = {
  ...common,
  name: 'vonage, GET query',
  method: 'GET',
  receipt: queryReceipt,
  fixtures: [
    {
      name: 'the query of vonage-dlr-query.txt',
      payloads: [QUERY],
      expected: { '0C0000002EEBDA56': 'DELIVERED' },
      outcomes: { applied: 1, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a query without a status',
      payload: 'messageId=0B1&scts=2611301010',
      deadLetters: [{ raw: 'messageId=0B1&scts=2611301010', reason: 'expected a field "status"' }],
    },
    {
      name: 'a query without a message id',
      payload: 'status=delivered',
      deadLetters: [{ raw: 'status=delivered', reason: 'expected a field "messageId"' }],
    },
    {
      name: 'a query whose scts is no date',
      payload: 'messageId=0B1&status=delivered&scts=26113',
      deadLetters: [
        { raw: 'messageId=0B1&status=delivered&scts=26113', reason: '"scts" as YYMMDDhhmm' },
      ],
    },
    {
      name: 'a query with no name=value pair',
      payload: 'nothing',
      deadLetters: [{ raw: 'nothing', reason: 'expected form fields' }],
    },
  ],
};
