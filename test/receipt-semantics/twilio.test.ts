import { describe, expect, it } from 'vitest';
import { computeTwilioSignature } from '../../src/receipts/index.js';
import { useFormatLedgers } from './support/format-ledgers.js';
import {
  editForm,
  type FormatTable,
  fixtureLines,
  nth,
  type ReportedStatus,
} from './support/format-table.js';
import { receiptPath } from './support/ledger-api.js';
import { at, smppDate } from './support/receipt-times.js';
import { describeReceiptSemantics } from './support/semantics/index.js';

const AUTH_TOKEN = 'twilio-test-auth-token';
const PUBLIC_URL = 'https://ledger.example.com';

const WORD: Partial<Record<ReportedStatus, string>> = {
  SENT: 'sent',
  DELIVERED: 'delivered',
  FAILED: 'undelivered',
};

const CALLBACKS = fixtureLines('twilio-status-callback.txt');

/** The fixture's delivered callback, which carries a `RawDlrDoneDate`. */
const TEMPLATE = nth(CALLBACKS, 1);

function twilioCallback(id: string, status: ReportedStatus, minute: number): string {
  const word = WORD[status];
  if (word === undefined) throw new Error(`Twilio reports no ${status}`);
  return editForm(TEMPLATE, {
    MessageSid: id,
    SmsSid: id,
    MessageStatus: word,
    SmsStatus: word,
    RawDlrDoneDate: smppDate(at(minute)),
    ...(status === 'FAILED' && { ErrorCode: '30003' }),
  });
}

/** The `X-Twilio-Signature` Twilio sends with a callback to `path`, signed with `token`. */
function signature(path: string, payload: string, token = AUTH_TOKEN): string {
  const params: Record<string, string[]> = {};
  for (const [name, value] of new URLSearchParams(payload)) {
    params[name] = [...(params[name] ?? []), value];
  }
  return computeTwilioSignature(token, `${PUBLIC_URL}${path}`, params);
}

const twilio: FormatTable = {
  name: 'twilio',
  format: 'twilio',
  providerId: 'twilio-main',
  method: 'POST',
  contentType: 'application/x-www-form-urlencoded',
  answersOutcomes: true,
  reports: ['SENT', 'DELIVERED', 'FAILED'],
  id: (n) => `SM5e${n.toString(16).padStart(30, '0')}`,
  receipt: twilioCallback,
  receipts: { twilioSignature: { authToken: AUTH_TOKEN, publicUrl: PUBLIC_URL } },
  headers: (path, payload) => ({ 'x-twilio-signature': signature(path, payload) }),
  fixtures: [
    {
      name: 'the callbacks of twilio-status-callback.txt, one a request',
      payloads: CALLBACKS,
      expected: {
        SM0a1b2c3d4e5f60718293a4b5c6d7e8f9: 'DELIVERED',
        SM11111111111111111111111111111111: 'FAILED',
        SM22222222222222222222222222222222: 'FAILED',
      },
      outcomes: { applied: 4, ignored: 0, pending: 0, rejected: 0 },
    },
  ],
  malformed: [
    {
      name: 'a callback without a status',
      payload: 'MessageSid=SM1&AccountSid=AC0',
      deadLetters: [
        { raw: 'MessageSid=SM1&AccountSid=AC0', reason: 'expected a field "MessageStatus"' },
      ],
    },
    {
      name: 'a callback without a message id',
      payload: 'MessageStatus=delivered',
      deadLetters: [{ raw: 'MessageStatus=delivered', reason: 'expected a field "MessageSid"' }],
    },
    {
      name: 'a callback with a status Twilio does not have',
      payload: 'MessageSid=SM1&MessageStatus=exploded',
      deadLetters: [
        {
          raw: 'MessageSid=SM1&MessageStatus=exploded',
          reason: 'expected "MessageStatus" to be one of queued',
        },
      ],
    },
    {
      name: 'a body that is no form',
      payload: 'no form at all',
      deadLetters: [{ raw: 'no form at all', reason: 'expected form fields' }],
    },
  ],
};

describeReceiptSemantics(twilio);

describe('twilio callbacks whose signature is not the account’s', () => {
  const ledgers = useFormatLedgers(twilio);
  const path = receiptPath('twilio', twilio.providerId);
  const cases: {
    case: string;
    headers: (payload: string, id: string) => Record<string, string>;
  }[] = [
    { case: 'no signature', headers: () => ({}) },
    { case: 'an empty signature', headers: () => ({ 'x-twilio-signature': '' }) },
    {
      case: 'a signature made with another auth token',
      headers: (payload) => ({ 'x-twilio-signature': signature(path, payload, 'another-token') }),
    },
    {
      case: 'the signature of another body',
      headers: (_payload, id) => ({
        'x-twilio-signature': signature(path, twilioCallback(id, 'FAILED', 5)),
      }),
    },
    {
      case: 'the signature of the callback to another provider',
      headers: (payload) => ({
        'x-twilio-signature': signature(receiptPath('twilio', 'twilio-other'), payload),
      }),
    },
  ];

  it.each(cases)(
    'should answer 401 to a callback with $case, and append nothing',
    async ({ headers }) => {
      const harness = await ledgers.shared();
      await harness.send(1);
      const delivered = harness.receipt(1, 'DELIVERED', 5);
      const head = await harness.api.head();

      const answer = await harness.post(delivered, headers(delivered, harness.id(1)));

      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      expect(await harness.api.head()).toBe(head);
      expect(await harness.api.statusOf(harness.messageId(1))).toBe('SENT');
    },
  );

  it('should take the same callback when it is signed', async () => {
    const harness = await ledgers.shared();
    await harness.send(1);

    const answer = await harness.post(harness.receipt(1, 'DELIVERED', 5));

    expect(answer.status).toBe(200);
    expect(await harness.api.statusOf(harness.messageId(1))).toBe('DELIVERED');
  });
});

describe('twilio callbacks that carry no time, as the fixture’s sent one', () => {
  const ledgers = useFormatLedgers(twilio);
  /** The fixture's sent callback, for another message. */
  const sentCallback = (id: string) => editForm(nth(CALLBACKS, 0), { MessageSid: id, SmsSid: id });

  it('should have one effect when it comes twice', async () => {
    const harness = await ledgers.shared();
    await harness.send(1);

    await harness.deliver(sentCallback(harness.id(1)));
    const [again] = (await harness.deliver(sentCallback(harness.id(1)))) ?? [];

    expect(again).toMatchObject({
      outcome: 'ignored',
      reason: 'duplicate receipt: already recorded',
    });
    expect(await harness.api.receiptsOf(harness.messageId(1))).toHaveLength(1);
  });

  it('should stay in history, not applied, when it comes after delivered', async () => {
    const harness = await ledgers.shared();
    await harness.send(1);

    await harness.deliver(harness.receipt(1, 'DELIVERED', 5));
    await harness.deliver(sentCallback(harness.id(1)));

    expect(await harness.api.statusOf(harness.messageId(1))).toBe('DELIVERED');
    const receipts = await harness.api.receiptsOf(harness.messageId(1));
    expect(receipts.map((event) => event.data.disposition)).toEqual(['applied', 'not-applied']);
  });
});
