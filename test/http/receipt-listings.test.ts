import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startApi, type TestApi } from './support.js';

const DAY = 24 * 60 * 60 * 1000;
const UNKNOWN_LINE =
  'id:404404 sub:001 dlvrd:001 submit date:2611301010 done date:2611301011 stat:DELIVRD err:000';
const OTHER_LINE =
  'id:505505 sub:001 dlvrd:000 submit date:2611301010 done date:2611301012 stat:UNDELIV err:001';
const UNREADABLE_LINE = 'this line is no receipt';

let api: TestApi;

async function postSmpp(body: string, provider?: string): Promise<Record<string, unknown>> {
  const query = provider === undefined ? '' : `?provider=${provider}`;
  const response = await fetch(`${api.url}/v1/receipts/smpp${query}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  api = await startApi();
  expect(await postSmpp(UNKNOWN_LINE)).toMatchObject({ pending: 1 });
  expect(await postSmpp(OTHER_LINE, 'smsc-b')).toMatchObject({ pending: 1 });
  expect(await postSmpp(`${UNREADABLE_LINE}\n`)).toMatchObject({ rejected: 1 });
});
afterAll(() => api.close());

describe('GET /v1/receipts/unmatched', () => {
  it('should list the receipts waiting for their send, oldest first, with their times', async () => {
    const answer = await getJson(`${api.url}/v1/receipts/unmatched`);

    expect(answer.status).toBe(200);
    const receipts = answer.body.receipts as Array<Record<string, unknown>>;
    expect(receipts).toHaveLength(2);
    expect(receipts[0]).toMatchObject({
      providerId: 'smpp',
      providerMessageId: '404404',
      format: 'smpp',
      status: 'DELIVERED',
      raw: UNKNOWN_LINE,
    });
    expect(receipts[1]).toMatchObject({
      providerId: 'smsc-b',
      providerMessageId: '505505',
      status: 'FAILED',
    });
    const parkedAt = Date.parse(String(receipts[0]!.parkedAt));
    expect(receipts[0]!.expiresAt).toBe(new Date(parkedAt + 7 * DAY).toISOString());
  });

  it('should list one provider, and page with limit and offset', async () => {
    const one = await getJson(`${api.url}/v1/receipts/unmatched?providerId=smsc-b`);
    const second = await getJson(`${api.url}/v1/receipts/unmatched?limit=1&offset=1`);
    const past = await getJson(`${api.url}/v1/receipts/unmatched?offset=2`);

    expect(one.body.receipts).toEqual([expect.objectContaining({ providerMessageId: '505505' })]);
    expect(second.body.receipts).toEqual([
      expect.objectContaining({ providerMessageId: '505505' }),
    ]);
    expect(past.body.receipts).toEqual([]);
  });

  it('should answer 400 for a limit out of range', async () => {
    const answer = await getJson(`${api.url}/v1/receipts/unmatched?limit=5000`);

    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message: 'query.limit: expected a whole number from 1 to 1000, got "5000"',
        },
      },
    });
  });
});

describe('GET /v1/receipts/dead-letters', () => {
  it('should list the payloads that could not be read, whole, with the reason', async () => {
    const answer = await getJson(`${api.url}/v1/receipts/dead-letters`);

    expect(answer.status).toBe(200);
    expect(answer.body.deadLetters).toEqual([
      {
        format: 'smpp',
        providerId: 'smpp',
        reason: expect.any(String),
        raw: UNREADABLE_LINE,
        receivedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        position: expect.any(String),
      },
    ]);
  });

  it('should page with offset', async () => {
    const answer = await getJson(`${api.url}/v1/receipts/dead-letters?offset=1&limit=10`);

    expect(answer.body).toEqual({ deadLetters: [] });
  });

  it('should answer 400 for a parameter it does not take', async () => {
    const answer = await getJson(`${api.url}/v1/receipts/dead-letters?providerId=smpp`);

    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message: 'query: unknown parameter "providerId"; expected among limit, offset',
        },
      },
    });
  });
});
