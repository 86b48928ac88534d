import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSends, reportSmpp } from './seed.js';
import { getJson, startApi, type TestApi } from './support.js';

const SENT_AT = Date.parse('2026-11-30T10:00:05.000Z');
const DELIVERED_AT = Date.parse('2026-11-30T10:05:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const clock = { now: SENT_AT };
let api: TestApi;

beforeAll(async () => {
  api = await startApi({}, { now: () => clock.now });
  await recordSends(api, [{ messageId: 'm-at', requestedAt: '2026-11-30T10:00:00.000Z' }]);
  clock.now = DELIVERED_AT;
  await reportSmpp(api, [{ messageId: 'm-at', stat: 'DELIVRD' }]);
});
afterAll(() => api.close());

const recordAt = (messageId: string, at: string) =>
  getJson(`${api.url}/v1/messages/${messageId}?at=${encodeURIComponent(at)}`);

describe('GET /v1/messages/:messageId?at=', () => {
  it('should answer the record as it stood after its send', async () => {
    const justSent = await recordAt('m-at', iso(SENT_AT));
    const justBefore = await recordAt('m-at', iso(DELIVERED_AT - 1));

    for (const answer of [justSent, justBefore]) {
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ messageId: 'm-at', status: 'SENT' });
      expect(answer.body).not.toHaveProperty('deliveredAt');
    }
  });

  it('should answer the record as it stood once its receipt came', async () => {
    const answer = await recordAt('m-at', iso(DELIVERED_AT));

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      messageId: 'm-at',
      status: 'DELIVERED',
      statusUpdatedAt: iso(DELIVERED_AT),
    });
  });

  it('should take a time with an offset', async () => {
    const answer = await recordAt('m-at', '2026-11-30T19:04:59+09:00');

    expect(answer.body).toMatchObject({ status: 'SENT' });
  });

  it('should answer the current record without at', async () => {
    const answer = await getJson(`${api.url}/v1/messages/m-at`);

    expect(answer.body).toMatchObject({ status: 'DELIVERED' });
  });

  it('should answer 404 for a time before the send', async () => {
    const answer = await recordAt('m-at', iso(SENT_AT - 1));

    expect(answer).toEqual({
      status: 404,
      body: {
        error: {
          code: 'NOT_FOUND',
          message: 'message "m-at" was not sent yet at 2026-11-30T10:00:04.999Z',
        },
      },
    });
  });

  it('should answer 404 for a message that is not tracked', async () => {
    const answer = await recordAt('nobody', iso(DELIVERED_AT));

    expect(answer).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no tracked message has id "nobody"' } },
    });
  });

  it.each([
    [
      'at=noon',
      'query.at: expected an ISO-8601 time such as 2026-11-30T10:00:00Z or ' +
        '2026-11-30T19:00:00+09:00, or a date, got "noon"',
    ],
    ['when=2026-11-30', 'query: unknown parameter "when"; expected among at'],
  ])('should answer 400 for %s', async (query, message) => {
    const answer = await getJson(`${api.url}/v1/messages/m-at?${query}`);

    expect(answer).toEqual({ status: 400, body: { error: { code: 'INVALID_INPUT', message } } });
  });
});
