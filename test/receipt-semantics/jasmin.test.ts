import {
  editForm,
  type FormatTable,
  fixtureLines,
  nth,
  type ReportedStatus,
} from './support/format-table.js';
import { at, smppDate } from './support/receipt-times.js';
import { describeReceiptSemantics } from './support/semantics/index.js';
import { SMPP_STAT } from './support/smpp-lines.js';

const CALLBACKS = fixtureLines('jasmin-http-dlr.txt');

/** The fixture's level 3 callback, which carries the receipt's `stat` and dates. */
const TEMPLATE = nth(CALLBACKS, 1);

function jasminCallback(id: string, status: ReportedStatus, minute: number): string {
  return editForm(TEMPLATE, {
    id,
    message_status: SMPP_STAT[status],
    donedate: smppDate(at(minute)),
    err: status === 'FAILED' ? '001' : '000',
  });
}

const common = {
  format: 'jasmin',
  providerId: 'jasmin-main',
  answersOutcomes: false,
  reports: ['SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'],
  id: (n: number) => `5e4d2706-8baf-433b-82eb-${String(n).padStart(12, '0')}`,
  receipt: jasminCallback,
  fixtures: [
    {
      name: 'the callbacks of jasmin-http-dlr.txt, one a request',
      payloads: CALLBACKS,
      expected: {
        '16fd2706-8baf-433b-82eb-000000000001': 'DELIVERED',
        '16FD2706-8BAF-433B-82EB-000000000002': 'FAILED',
      },
    },
  ],
  malformed: [
    {
      name: 'a callback without a status',
      payload: 'id=16fd2706&level=3',
      deadLetters: [{ raw: 'id=16fd2706&level=3', reason: 'expected a field "message_status"' }],
    },
    {
      name: 'a callback without an id',
      payload: 'message_status=DELIVRD&level=3',
      deadLetters: [{ raw: 'message_status=DELIVRD&level=3', reason: 'expected a field "id"' }],
    },
    {
      name: 'a callback with a status SMPP does not have',
      payload: 'id=16fd2706&message_status=EXPLODED',
      deadLetters: [
        {
          raw: 'id=16fd2706&message_status=EXPLODED',
          reason: 'expected "message_status" to be one of DELIVRD',
        },
      ],
    },
    {
      name: 'a callback with no name=value pair',
      payload: 'nothing',
      deadLetters: [{ raw: 'nothing', reason: 'expected form fields' }],
    },
  ],
} as const satisfies Omit<FormatTable, 'name' | 'method'>;

describeReceiptSemantics({
  ...common,
  name: 'jasmin, form POST',
  method: 'POST',
  contentType: 'application/x-www-form-urlencoded',
});
describeReceiptSemantics({ ...common, name: 'jasmin, GET query', method: 'GET' });
