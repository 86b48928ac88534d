import { describe, expect, it } from 'vitest';
import { AWS_SMS_STATUS_MAP, parseAwsSmsReceipts } from '../../src/receipts/aws-sms.js';
import { expectReceipt, readFixture, reasonOf, receiptOf, utc } from './support.js';

const events = JSON.parse(readFixture('aws-sms-events.json')) as Record<string, unknown>[];
const [successful, delivered, unreachable] = events;

const EXPECTED = [
  {
    providerId: 'aws-sms',
    providerMessageId: '862a8790-60c0-4430-9b2b-000000000001',
    status: 'SENT',
    providerStatus: 'TEXT_SUCCESSFUL',
    occurredAt: utc('2026-11-30T12:00:03.470Z'),
  },
  {
    providerId: 'aws-sms',
    providerMessageId: '862a8790-60c0-4430-9b2b-000000000001',
    status: 'DELIVERED',
    providerStatus: 'TEXT_DELIVERED',
    occurredAt: utc('2026-11-30T12:00:06.120Z'),
  },
  {
    providerId: 'aws-sms',
    providerMessageId: '862a8790-60c0-4430-9b2b-000000000002',
    status: 'FAILED',
    providerStatus: 'TEXT_CARRIER_UNREACHABLE',
    errorMessage: 'Carrier is unreachable',
    occurredAt: utc('2026-11-30T12:00:09.000Z'),
  },
] as const;

/** An SNS notification carrying `message` as its JSON `Message`. */
function snsNotification(message: unknown): string {
  return JSON.stringify({
    Type: 'Notification',
    MessageId: 'f1e2d3c4-0000-0000-0000-000000000001',
    TopicArn: 'arn:aws:sns:us-east-1:111122223333:sms-events',
    Message: JSON.stringify(message),
    Timestamp: '2026-11-30T12:00:06.500Z',
  });
}

describe('reading AWS End User Messaging SMS events', () => {
  const items = parseAwsSmsReceipts({ body: readFixture('aws-sms-events.json') });

  it('should give one item for each event of an array', () => {
    expect(items).toHaveLength(3);
  });

  it.each(EXPECTED.map((expected, index) => ({ expected, index })))(
    'should read event $index as $expected.status',
    ({ expected, index }) => {
      expectReceipt(items[index], expected);
    },
  );

  it('should keep the event object as raw', () => {
    expect(receiptOf(items[0]).raw).toStrictEqual(successful);
  });

  it('should read an event wrapped in an SNS notification', () => {
    const [item] = parseAwsSmsReceipts({
      body: snsNotification(delivered),
      contentType: 'text/plain',
    });
    expectReceipt(item, EXPECTED[1]);
    expect(receiptOf(item).raw).toStrictEqual(delivered);
  });

  it('should read an event wrapped in an EventBridge envelope', () => {
    const body = JSON.stringify({
      version: '0',
      'detail-type': 'Text Message Delivery Status Updated',
      source: 'aws.sms-voice',
      detail: unreachable,
    });
    expectReceipt(parseAwsSmsReceipts({ body })[0], EXPECTED[2]);
  });

  it('should read a failure that more events will follow as SENT', () => {
    const body = JSON.stringify({ ...unreachable, isFinal: false });
    expect(receiptOf(parseAwsSmsReceipts({ body })[0])).toMatchObject({
      status: 'SENT',
      providerStatus: 'TEXT_CARRIER_UNREACHABLE',
    });
  });

  it('should read the UNKNOWN AWS reports after 72 hours as UNKNOWN', () => {
    const body = JSON.stringify({
      ...successful,
      eventType: 'TEXT_UNKNOWN',
      messageStatus: 'UNKNOWN',
      isFinal: true,
    });
    expect(receiptOf(parseAwsSmsReceipts({ body })[0]).status).toBe('UNKNOWN');
  });

  it('should read a final TEXT_SUCCESSFUL as SENT: the carrier took it, no more', () => {
    const body = JSON.stringify({ ...successful, isFinal: true });
    expect(receiptOf(parseAwsSmsReceipts({ body })[0]).status).toBe('SENT');
  });

  it.each(Object.entries(AWS_SMS_STATUS_MAP))('should read a final %s as %s', (type, status) => {
    const body = JSON.stringify({ ...successful, eventType: type, isFinal: true });
    expect(receiptOf(parseAwsSmsReceipts({ body })[0]).status).toBe(status);
  });
});

describe('rejecting AWS SMS events that cannot be read', () => {
  it('should reject an SNS subscription confirmation, saying how to confirm it', () => {
    const body = JSON.stringify({
      Type: 'SubscriptionConfirmation',
      TopicArn: 'arn:aws:sns:us-east-1:111122223333:sms-events',
      SubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription',
    });
    expect(reasonOf(parseAwsSmsReceipts({ body })[0])).toBe(
      'expected an SNS Notification, got an SNS SubscriptionConfirmation; ' +
        'confirm it by visiting its SubscribeURL',
    );
  });

  it('should reject an SNS notification whose message is not JSON', () => {
    const body = JSON.stringify({ Type: 'Notification', Message: 'hello' });
    const [item] = parseAwsSmsReceipts({ body });
    expect(reasonOf(item)).toMatch(/^expected the SNS "Message" to hold an event: expected a JSON/);
    expect(item).toMatchObject({ raw: body });
  });

  it('should list the event types it knows when the type is another', () => {
    const body = JSON.stringify({ ...successful, eventType: 'VOICE_COMPLETED' });
    expect(reasonOf(parseAwsSmsReceipts({ body })[0])).toMatch(
      /^expected "eventType" to be one of TEXT_QUEUED, .*, got "VOICE_COMPLETED"$/,
    );
  });

  it('should reject an event without a message id', () => {
    const { messageId: _, ...withoutId } = successful ?? {};
    const [item] = parseAwsSmsReceipts({ body: JSON.stringify(withoutId) });
    expect(reasonOf(item)).toBe('expected a field "messageId"');
  });

  it('should reject a timestamp that is no Unix time', () => {
    const body = JSON.stringify({ ...successful, eventTimestamp: '2026-11-30' });
    expect(reasonOf(parseAwsSmsReceipts({ body })[0])).toBe(
      'expected "eventTimestamp" as Unix time in milliseconds, got "2026-11-30"',
    );
  });

  it('should reject a body that is not JSON as one item holding the body', () => {
    expect(parseAwsSmsReceipts({ body: '' })).toStrictEqual([
      { ok: false, reason: 'expected a JSON body, got an empty body', raw: '' },
    ]);
  });
});
