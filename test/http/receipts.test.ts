import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeTwilioSignature } from '../../src/receipts/index.js';
import {
  aSend,
  fixtureLines,
  getJson,
  postJson,
  readFixture,
  startApi,
  type TestApi,
} from './support.js';

interface IntakeAnswer {
  results: {
    line?: number;
    index?: number;
    outcome: string;
    reason?: string;
    messageId?: string;
    status?: string;
  }[];
  applied: number;
  ignored: number;
  pending: number;
  rejected: number;
}

const TWILIO_TOKEN = 'twilio-test-token';
const PUBLIC_URL = 'https://ledger.example.com';

let api: TestApi;
beforeAll(async () => {
  api = await startApi({
    receipts: { twilioSignature: { authToken: TWILIO_TOKEN, publicUrl: PUBLIC_URL } },
  });
});
afterAll(() => api.close());

async function recordSend(messageId: string, providerId: string, providerMessageId: string) {
  const answer = await postJson(
    `${api.url}/v1/sends`,
    aSend(messageId, { providerId, providerMessageId }),
  );
  expect(answer.status).toBe(202);
}

function postReceipts(path: string, body: string, contentType = 'text/plain') {
  return fetch(`${api.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
}

describe('POST /v1/receipts/smpp', () => {
  // The fixture's ids, as the sends recorded them: leading zeros lost or added, case changed.
  const sends = [
    { messageId: 'smpp-a', providerMessageId: '12345678' }, // reported 0000000012345678
    { messageId: 'smpp-b', providerMessageId: '7A3F90C1' }, // reported 7a3f90c1
    { messageId: 'smpp-c', providerMessageId: '0099182' }, // reported 99182
    { messageId: 'smpp-d', providerMessageId: 'ABC-778' }, // reported abc-778, twice
  ];
  const body = `${readFixture('smpp-dlr.txt')}this line is no receipt\n`;
  const lineOf = (text: string) => body.split('\n').findIndex((line) => line.includes(text)) + 1;
  let first: IntakeAnswer;

  beforeAll(async () => {
    for (const send of sends) await recordSend(send.messageId, 'smpp', send.providerMessageId);
    const response = await postReceipts('/v1/receipts/smpp', body);
    expect(response.status).toBe(200);
    first = (await response.json()) as IntakeAnswer;
  });

  it('should apply each receipt to the send it belongs to, by its line', () => {
    expect(first.results).toContainEqual({
      line: lineOf('id:0000000012345678'),
      outcome: 'applied',
      messageId: 'smpp-a',
      status: 'DELIVERED',
    });
    expect(first.results).toContainEqual({
      line: lineOf('id:7a3f90c1'),
      outcome: 'applied',
      messageId: 'smpp-b',
      status: 'FAILED',
    });
    expect(first.results).toContainEqual({
      line: lineOf('id:99182'),
      outcome: 'applied',
      messageId: 'smpp-c',
      status: 'FAILED',
    });
    expect(first.results).toContainEqual({
      line: lineOf('id:abc-778 sub:001 dlvrd:000'),
      outcome: 'applied',
      messageId: 'smpp-d',
      status: 'SENT',
    });
    expect(first.results).toContainEqual({
      line: lineOf('id:abc-778 sub:001 dlvrd:001'),
      outcome: 'applied',
      messageId: 'smpp-d',
      status: 'DELIVERED',
    });
  });

  it('should move each matched message to the status its receipt reports', async () => {
    const records = await Promise.all(sends.map((s) => api.service.getRecord(s.messageId)));

    expect(records.map((record) => record?.status)).toEqual([
      'DELIVERED',
      'FAILED',
      'FAILED',
      'DELIVERED',
    ]);
  });

  it('should keep pending, with the reason, a receipt whose send is not recorded', () => {
    const result = first.results.find((r) => r.line === lineOf('id:1602718841'));

    expect(result).toEqual({
      line: lineOf('id:1602718841'),
      outcome: 'pending',
      reason: expect.stringContaining('1602718841'),
    });
  });

  it('should apply a pending receipt once its send is recorded', async () => {
    await recordSend('smpp-late', 'smpp', '55aa10ff'); // reported 55AA10FF

    const record = await api.service.getRecord('smpp-late');

    expect(record).toMatchObject({ status: 'FAILED', providerStatusCode: 'EXPIRED' });
  });

  it('should reject the line that cannot be read, and still take the others', () => {
    const result = first.results.find((r) => r.outcome === 'rejected');

    expect(result).toEqual({
      line: lineOf('this line is no receipt'),
      outcome: 'rejected',
      reason: expect.stringContaining('id:'),
    });
    expect(first.results).toHaveLength(12);
    expect(first).toMatchObject({ applied: 5, ignored: 0, pending: 6, rejected: 1 });
  });

  it('should keep the line that cannot be read as a dead letter', async () => {
    const deadLetters = await api.service.listDeadLetters({ limit: 10 });

    expect(deadLetters).toContainEqual(
      expect.objectContaining({
        format: 'smpp',
        providerId: 'smpp',
        raw: 'this line is no receipt',
      }),
    );
  });

  it('should ignore a receipt that was taken before', async () => {
    const response = await postReceipts('/v1/receipts/smpp', body);
    const again = (await response.json()) as IntakeAnswer;

    expect(again.applied).toBe(0);
    expect(again.results).toContainEqual({
      line: lineOf('id:0000000012345678'),
      outcome: 'ignored',
      reason: 'duplicate receipt: already recorded',
      messageId: 'smpp-a',
      status: 'DELIVERED',
    });
    const history = await api.service.history('smpp-a');
    expect(history.filter((event) => event.type === 'ReceiptReceived')).toHaveLength(1);
  });

  it('should answer 200 with one rejected item for a body with no receipt at all', async () => {
    const response = await postReceipts('/v1/receipts/smpp', '# only a comment\n');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [{ index: 0, outcome: 'rejected', reason: expect.any(String) }],
      applied: 0,
      ignored: 0,
      pending: 0,
      rejected: 1,
    });
  });
});

describe('POST /v1/receipts/infobip', () => {
  it('should answer 200 with one rejected item for a body that is not JSON at all', async () => {
    const response = await postReceipts('/v1/receipts/infobip', 'results=none', 'application/json');

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      results: [
        { index: 0, outcome: 'rejected', reason: expect.stringMatching(/^expected a JSON body/) },
      ],
      applied: 0,
      ignored: 0,
      pending: 0,
      rejected: 1,
    });
  });
});

describe('POST /v1/receipts/:format with a request that is wrong', () => {
  it('should answer 400 for an empty body', async () => {
    const response = await postReceipts('/v1/receipts/smpp', '');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: 'expected a delivery report in the body, got an empty body',
      },
    });
  });

  it('should answer 404 with the known formats for an unknown format', async () => {
    const response = await postReceipts('/v1/receipts/carrier-pigeon', 'id:1 stat:DELIVRD');

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string }; formats: string[] };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.formats).toEqual([
      'smpp',
      'twilio',
      'vonage',
      'infobip',
      'aws-sms',
      'solapi',
      'jasmin',
      'kannel',
    ]);
  });

  it('should answer 400 for a provider parameter given twice', async () => {
    const response = await postReceipts('/v1/receipts/smpp?provider=a&provider=b', 'id:1 stat:X');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^query\.provider: /) },
    });
  });

  it('should answer 405 to a GET for a format that is only POSTed', async () => {
    const response = await fetch(`${api.url}/v1/receipts/smpp?id=1&stat=DELIVRD`);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });
});

describe('POST and GET /v1/receipts/jasmin', () => {
  const [submitted, delivered] = fixtureLines('jasmin-http-dlr.txt');
  const jasminId = '16fd2706-8baf-433b-82eb-000000000001';

  it('should answer ACK/Jasmin as plain text once the callback is taken', async () => {
    await recordSend('jasmin-1', 'jasmin', jasminId);

    const response = await postReceipts(
      '/v1/receipts/jasmin',
      delivered!,
      'application/x-www-form-urlencoded',
    );

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('ACK/Jasmin');
    expect((await api.service.getRecord('jasmin-1'))?.status).toBe('DELIVERED');
  });

  it('should take a GET callback for the provider named in the query', async () => {
    await recordSend('jasmin-2', 'jasmin-eu', jasminId);

    const response = await fetch(`${api.url}/v1/receipts/jasmin?provider=jasmin-eu&${submitted}`);

    expect(await response.text()).toBe('ACK/Jasmin');
    const record = await api.service.getRecord('jasmin-2');
    expect(record).toMatchObject({ status: 'SENT', providerStatusCode: 'ESME_ROK' });
  });
});

describe('GET /v1/receipts/vonage', () => {
  const [query] = fixtureLines('vonage-dlr-query.txt');

  it('should take the receipt from the query string, and log no phone number', async () => {
    await recordSend('vonage-1', 'vonage', '0C0000002EEBDA56');

    const answer = await getJson(`${api.url}/v1/receipts/vonage?${query}`);

    expect(answer).toEqual({
      status: 200,
      body: {
        results: [{ index: 0, outcome: 'applied', messageId: 'vonage-1', status: 'DELIVERED' }],
        applied: 1,
        ignored: 0,
        pending: 0,
        rejected: 0,
      },
    });
    expect(JSON.stringify(api.log)).not.toContain('15555550126');
  });

  it('should answer 400 for a GET with no query parameters', async () => {
    const answer = await getJson(`${api.url}/v1/receipts/vonage?provider=vonage`);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
  });
});

describe('POST /v1/receipts/twilio with signatures checked', () => {
  const [sent] = fixtureLines('twilio-status-callback.txt');
  const path = '/v1/receipts/twilio?provider=twilio';
  const params = Object.fromEntries(new URLSearchParams(sent));

  it('should take a callback signed with the account auth token', async () => {
    await recordSend('twilio-1', 'twilio', 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9');
    const signature = computeTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}${path}`, params);

    const response = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': signature,
      },
      body: sent,
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ applied: 1 });
  });

  it('should answer 401 to a callback with a wrong signature, and take nothing', async () => {
    await recordSend('twilio-2', 'twilio-forged', 'SM0a1b2c3d4e5f60718293a4b5c6d7e8f9');
    const forgedPath = '/v1/receipts/twilio?provider=twilio-forged';

    const response = await fetch(`${api.url}${forgedPath}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': computeTwilioSignature('another-token', PUBLIC_URL, params),
      },
      body: sent,
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    const history = await api.service.history('twilio-2');
    expect(history.map((event) => event.type)).toEqual(['SendRecorded']);
  });
});
