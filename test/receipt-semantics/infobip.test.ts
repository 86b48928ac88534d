import { type FormatTable, fixtureJson, nth, type ReportedStatus } from './support/format-table.js';
import { at, infobipTime } from './support/receipt-times.js';
import { describeReceiptSemantics } from './support/semantics/index.js';

type Report = Record<string, unknown>;

const REPORTS = fixtureJson<{ results: Report[] }>('infobip-delivery-report.json').results;

/** Infobip's status group, id and detailed name for each status it can report. */
const STATUS: Partial<Record<ReportedStatus, Report>> = {
  SENT: { groupId: 1, groupName: 'PENDING', id: 7, name: 'PENDING_ENROUTE' },
  DELIVERED: { groupId: 3, groupName: 'DELIVERED', id: 5, name: 'DELIVERED_TO_HANDSET' },
  FAILED: { groupId: 2, groupName: 'UNDELIVERABLE', id: 9, name: 'UNDELIVERABLE_NOT_DELIVERED' },
};

/** A report of one message: the fixture's first result, with its id, status and time edited. */
function infobipReport(id: string, status: ReportedStatus, minute: number): string {
  const delivered = nth(REPORTS, 0);
  const failed = nth(REPORTS, 1);
  const result = {
    ...delivered,
    messageId: id,
    doneAt: infobipTime(at(minute)),
    status: { ...(delivered.status as Report), ...STATUS[status] },
    error: status === 'FAILED' ? failed.error : delivered.error,
  };
  return JSON.stringify({ results: [result] });
}

const infobip: FormatTable = {
  name: 'infobip',
  format: 'infobip',
  providerId: 'infobip-main',
  method: 'POST',
  contentType: 'application/json',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED'],
  id: (n) => `IB-5E-${String(n).padStart(6, '0')}`,
  receipt: infobipReport,
  fixtures: [
    {
      name: 'the results of infobip-delivery-report.json',
      payloads: [JSON.stringify({ results: REPORTS })],
      expected: { 'IB-MSG-0001': 'DELIVERED', 'ib-msg-0002': 'FAILED', 'IB-MSG-0003': 'FAILED' },
      outcomes: { applied: 3, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a body that is no JSON',
      payload: 'results=none',
      deadLetters: [{ raw: 'results=none', reason: 'expected a JSON body' }],
    },
    {
      name: 'an object without a results array',
      payload: '{"results":"none"}',
      deadLetters: [{ raw: '{"results":"none"}', reason: 'expected an object with a "results"' }],
    },
    {
      name: 'results without an id and of an unknown group, beside a good one',
      payload: JSON.stringify({
        results: [
          { status: { groupName: 'DELIVERED' } },
          { messageId: 'IB-1', status: { groupName: 'EXPLODED' } },
          JSON.parse(infobipReport('IB-2', 'DELIVERED', 5)).results[0],
          7,
        ],
      }),
      deadLetters: [
        { raw: '{"status":{"groupName":"DELIVERED"}}', reason: 'expected a field "messageId"' },
        {
          raw: '{"messageId":"IB-1","status":{"groupName":"EXPLODED"}}',
          reason: 'expected "status.groupName" to be one of PENDING',
        },
        { raw: '7', reason: 'expected a delivery report object' },
      ],
      readable: 1,
    },
  ],
};

describeReceiptSemantics(infobip);
