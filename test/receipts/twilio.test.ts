import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseTwilioReceipts, TWILIO_STATUS_MAP } from '../../src/receipts/twilio.js';
import {
  computeTwilioSignature,
  verifyTwilioSignature,
} from '../../src/receipts/twilio-signature.js';
import { expectReceipt, fixtureLines, reasonOf, receiptOf, utc } from './support.js';

const [sent, delivered, undelivered, failed] = fixtureLines('twilio-status-callback.txt').map(
  (body) => parseTwilioReceipts({ body, contentType: 'application/x-www-form-urlencoded' }),
);

describe('reading Twilio status callbacks', () => {
  it('should read a sent callback as SENT, with no time', () => {
    expectReceipt(sent?.[0], {
      providerId: 'twilio',
      providerMessageId: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      status: 'SENT',
      providerStatus: 'sent',
    });
  });

  it('should read a delivered callback as DELIVERED at its raw DLR done date', () => {
    expectReceipt(delivered?.[0], {
      providerId: 'twilio',
      providerMessageId: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      status: 'DELIVERED',
      providerStatus: 'delivered',
      occurredAt: utc('2026-11-30T10:11:00Z'),
    });
  });

  it('should read an undelivered callback as FAILED with its error code', () => {
    expectReceipt(undelivered?.[0], {
      providerId: 'twilio',
      providerMessageId: 'SM11111111111111111111111111111111',
      status: 'FAILED',
      providerStatus: 'undelivered',
      errorCode: '30003',
      occurredAt: utc('2026-11-30T10:20:00Z'),
    });
  });

  it('should read a failed callback as FAILED with its error code', () => {
    expectReceipt(failed?.[0], {
      providerId: 'twilio',
      providerMessageId: 'SM22222222222222222222222222222222',
      status: 'FAILED',
      providerStatus: 'failed',
      errorCode: '30008',
    });
  });

  it('should read the raw DLR done date as UTC whatever time zone SMPP dates use', () => {
    const body = 'MessageSid=SM1&MessageStatus=delivered&RawDlrDoneDate=2611301011';
    const [item] = parseTwilioReceipts({ body }, { timeZoneOffsetMinutes: 540 });
    expect(receiptOf(item).occurredAt).toStrictEqual(utc('2026-11-30T10:11:00Z'));
  });

  it('should keep the decoded form fields as raw', () => {
    expect(receiptOf(sent?.[0]).raw).toMatchObject({
      MessageSid: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
      From: '+15555550100',
      To: '+15555550123',
    });
  });

  it.each(Object.entries(TWILIO_STATUS_MAP))('should read %s as %s', (word, status) => {
    const [item] = parseTwilioReceipts({ body: `MessageSid=SM1&MessageStatus=${word}` });
    expect(receiptOf(item).status).toBe(status);
  });

  it('should map queued, accepted and sending to SENT and scheduled to PENDING', () => {
    expect(TWILIO_STATUS_MAP).toMatchObject({
      queued: 'SENT',
      accepted: 'SENT',
      sending: 'SENT',
      scheduled: 'PENDING',
      read: 'DELIVERED',
      canceled: 'CANCELLED',
    });
  });

  it('should fall back to SmsSid and SmsStatus', () => {
    const [item] = parseTwilioReceipts({ body: 'SmsSid=SM9&SmsStatus=delivered' });
    expect(receiptOf(item)).toMatchObject({ providerMessageId: 'SM9', status: 'DELIVERED' });
  });

  it('should read a query string with its question mark', () => {
    const [item] = parseTwilioReceipts({ body: '?MessageSid=SM9&MessageStatus=sent' });
    expect(receiptOf(item).status).toBe('SENT');
  });
});

describe('rejecting Twilio callbacks that cannot be read', () => {
  it('should say which field is missing', () => {
    const [item] = parseTwilioReceipts({ body: 'MessageStatus=sent' });
    expect(reasonOf(item)).toBe('expected a field "MessageSid" (or "SmsSid"), got none');
  });

  it('should list the statuses it knows when the status is another', () => {
    const body = 'MessageSid=SM1&MessageStatus=receiving';
    expect(parseTwilioReceipts({ body })).toStrictEqual([
      {
        ok: false,
        reason:
          'expected "MessageStatus" to be one of queued, accepted, scheduled, sending, sent, ' +
          'delivered, read, undelivered, failed, canceled, got "receiving"',
        raw: body,
      },
    ]);
  });

  it('should reject a body that is not form fields as one item holding the body', () => {
    const body = '{"MessageSid":"SM1"}';
    expect(parseTwilioReceipts({ body, contentType: 'application/json' })).toStrictEqual([
      {
        ok: false,
        reason: 'expected form fields (name=value&…), got no name=value pair',
        raw: body,
      },
    ]);
  });

  it('should reject a raw DLR done date that is no date', () => {
    const [item] = parseTwilioReceipts({
      body: 'MessageSid=SM1&MessageStatus=delivered&RawDlrDoneDate=2699999999',
    });
    expect(reasonOf(item)).toContain('"RawDlrDoneDate" as YYMMDDhhmm');
  });
});

describe('verifying Twilio request signatures', () => {
  const authToken = '12345';
  const url = 'https://ledger.example.com/receipts/twilio?provider=twilio-main';
  const params = {
    MessageStatus: 'delivered',
    MessageSid: 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9',
    To: '+15555550123',
    ErrorCode: '30003',
  };
  // The documented scheme written out by hand: the URL, then name and value of each POST field
  // sorted by name, HMAC-SHA1 keyed with the Auth Token, base64.
  const knownGood = createHmac('sha1', authToken)
    .update(
      `${url}ErrorCode30003MessageSidSM0a1b2c3d4e5f60718293a4b5c6d7e8f9` +
        'MessageStatusdeliveredTo+15555550123',
    )
    .digest('base64');

  it("should compute the signature of Twilio's own documented example", () => {
    const signature = computeTwilioSignature(
      authToken,
      'https://mycompany.com/myapp.php?foo=1&bar=2',
      {
        CallSid: 'CA1234567890ABCDE',
        Caller: '+12349013030',
        Digits: '1234',
        From: '+12349013030',
        To: '+18005551212',
      },
    );
    expect(signature).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
  });

  it('should accept the signature computed by the documented scheme', () => {
    expect(computeTwilioSignature(authToken, url, params)).toBe(knownGood);
    expect(verifyTwilioSignature({ authToken, url, params, signature: knownGood })).toBe(true);
  });

  it('should refuse the signature when a field was changed, added or taken away', () => {
    const changed = { ...params, MessageStatus: 'failed' };
    const added = { ...params, Extra: '1' };
    const { ErrorCode: _removed, ...taken } = params;
    for (const tampered of [changed, added, taken]) {
      expect(
        verifyTwilioSignature({ authToken, url, params: tampered, signature: knownGood }),
      ).toBe(false);
    }
  });

  it('should refuse the signature for another URL or another Auth Token', () => {
    const otherUrl = 'https://ledger.example.com/receipts/twilio?provider=twilio-backup';
    expect(verifyTwilioSignature({ authToken, url: otherUrl, params, signature: knownGood })).toBe(
      false,
    );
    expect(verifyTwilioSignature({ authToken: '54321', url, params, signature: knownGood })).toBe(
      false,
    );
  });

  it('should refuse an empty, shortened or altered signature', () => {
    for (const signature of ['', knownGood.slice(0, -2), `x${knownGood.slice(1)}`]) {
      expect(verifyTwilioSignature({ authToken, url, params, signature })).toBe(false);
    }
  });

  it('should accept the signature when a proxy added or dropped the default port', () => {
    const withPort = 'https://ledger.example.com:443/receipts/twilio?provider=twilio-main';
    expect(verifyTwilioSignature({ authToken, url: withPort, params, signature: knownGood })).toBe(
      true,
    );
    const signedWithPort = computeTwilioSignature(authToken, withPort, params);
    expect(verifyTwilioSignature({ authToken, url, params, signature: signedWithPort })).toBe(true);
  });

  it('should sign each value of a field sent more than once, sorted', () => {
    const signature = createHmac('sha1', authToken).update(`${url}Ba1Ba2Cz`).digest('base64');
    const repeated = { B: ['a2', 'a1'], C: 'z' };
    expect(verifyTwilioSignature({ authToken, url, params: repeated, signature })).toBe(true);
  });
});
