import { type FormatTable, fixtureJson, nth, type ReportedStatus } from './support/format-table.js';
import { at } from './support/receipt-times.js';
import { describeReceiptSemantics } from './support/semantics/index.js';

type SmsEvent = Record<string, unknown>;

const EVENTS = fixtureJson<SmsEvent[]>('aws-sms-events.json');

/** The event type, and whether AWS says it is final, for each status it can report. */
const EVENT: Record<ReportedStatus, { eventType: string; isFinal: boolean }> = {
  SENT: { eventType: 'TEXT_SUCCESSFUL', isFinal: false },
  DELIVERED: { eventType: 'TEXT_DELIVERED', isFinal: true },
  FAILED: { eventType: 'TEXT_CARRIER_UNREACHABLE', isFinal: true },
  UNKNOWN: { eventType: 'TEXT_UNKNOWN', isFinal: true },
};

/** One event: the fixture's TEXT_DELIVERED, with its id, type and time edited. */
function smsEvent(id: string, status: ReportedStatus, minute: number): SmsEvent {
  return {
    ...nth(EVENTS, 1),
    ...EVENT[status],
    messageId: id,
    eventTimestamp: at(minute).getTime(),
  };
}

/** The event as an SNS notification, whose `Message` is the event as a JSON string. */
function snsNotification(event: unknown): Record<string, unknown> {
  return {
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: 'arn:aws:sns:us-east-1:123456789012:sms-events',
    Message: JSON.stringify(event),
    Timestamp: '2026-11-30T10:00:05.000Z',
  };
}

const common = {
  format: 'aws-sms',
  providerId: 'aws-sms-main',
  method: 'POST',
  contentType: 'application/json',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED', 'UNKNOWN'],
  id: (n: number) => `5e2a8790-60c0-4430-9b2b-${String(n).padStart(12, '0')}`,
} as const;

const expected = {
  '862a8790-60c0-4430-9b2b-000000000001': 'DELIVERED',
  '862A8790-60C0-4430-9B2B-000000000002': 'FAILED',
} as const;

const notAnEvent = {
  name: 'a body that is no JSON',
  payload: '{"eventType": "TEXT_DELIVERED",',
  deadLetters: [{ raw: '{"eventType": "TEXT_DELIVERED",', reason: 'expected a JSON body' }],
};

const events: FormatTable = {
  ...common,
  name: 'aws-sms, events',
  receipt: (id, status, minute) => JSON.stringify(smsEvent(id, status, minute)),
  fixtures: [
    {
      name: 'the events of aws-sms-events.json, sent as one array',
      payloads: [JSON.stringify(EVENTS)],
      expected,
      outcomes: { applied: 3, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    notAnEvent,
    {
      name: 'events without an id and of an unknown type, beside a good one',
      payload: JSON.stringify([
        { eventType: 'TEXT_DELIVERED' },
        { eventType: 'TEXT_EXPLODED', messageId: 'aws-1' },
        smsEvent('aws-2', 'DELIVERED', 5),
        'TEXT_DELIVERED',
      ]),
      deadLetters: [
        { raw: '{"eventType":"TEXT_DELIVERED"}', reason: 'expected a field "messageId"' },
        {
          raw: '{"eventType":"TEXT_EXPLODED","messageId":"aws-1"}',
          reason: 'expected "eventType" to be one of TEXT_QUEUED',
        },
        { raw: '"TEXT_DELIVERED"', reason: 'expected an SMS event object' },
      ],
      readable: 1,
    },
  ],
};

const subscription = {
  Type: 'SubscriptionConfirmation',
  SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
};

const sns: FormatTable = {
  ...common,
  name: 'aws-sms, SNS notifications',
  receipt: (id, status, minute) => JSON.stringify(snsNotification(smsEvent(id, status, minute))),
  fixtures: [
    {
      name: 'the events of aws-sms-events.json, each in an SNS notification',
      payloads: EVENTS.map((event) => JSON.stringify(snsNotification(event))),
      expected,
      outcomes: { applied: 3, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    notAnEvent,
    {
      name: 'a subscription confirmation',
      payload: JSON.stringify(subscription),
      deadLetters: [
        { raw: JSON.stringify(subscription), reason: 'confirm it by visiting its SubscribeURL' },
      ],
    },
    {
      name: 'a notification whose message is no event',
      payload: JSON.stringify(snsNotification('TEXT_DELIVERED')),
      deadLetters: [
        {
          raw: JSON.stringify(snsNotification('TEXT_DELIVERED')),
          reason: 'expected the SNS "Message" to be an event',
        },
      ],
    },
  ],
};

describeReceiptSemantics(events);
describeReceiptSemantics(sns);
