import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSends, reportSmpp } from './seed.js';
import { getJson, startApi, type TestApi } from './support.js';

let api: TestApi;

beforeAll(async () => {
  api = await startApi();
  await recordSends(api, [
    { messageId: 's1', requestedAt: '2026-11-01T09:00:00.000Z', type: 'SMS' },
    { messageId: 's2', requestedAt: '2026-11-01T10:00:00.000Z', type: 'SMS' },
    { messageId: 's3', requestedAt: '2026-11-01T11:00:00.000Z', type: 'LMS' },
    { messageId: 's4', requestedAt: '2026-11-01T12:00:00.000Z', type: 'SMS' },
    { messageId: 's5', requestedAt: '2026-11-02T08:00:00.000Z', type: 'SMS' },
    {
      messageId: 'a1',
      requestedAt: '2026-11-01T23:59:59.999Z',
      providerId: 'solapi',
      type: 'ALIMTALK',
    },
    {
      messageId: 'a2',
      requestedAt: '2026-11-02T00:00:00.000Z',
      providerId: 'solapi',
      type: 'ALIMTALK',
    },
  ]);
  await reportSmpp(api, [
    { messageId: 's1', stat: 'DELIVRD' },
    { messageId: 's2', stat: 'DELIVRD' },
    { messageId: 's3', stat: 'UNDELIV' },
  ]);
  await reportSmpp(
    api,
    [
      { messageId: 'a1', stat: 'DELIVRD' },
      { messageId: 'a2', stat: 'UNKNOWN' },
    ],
    'solapi',
  );
});
afterAll(() => api.close());

const statuses = (counts: Record<string, number>) => ({
  PENDING: 0,
  SENT: 0,
  DELIVERED: 0,
  FAILED: 0,
  CANCELLED: 0,
  UNKNOWN: 0,
  ...counts,
});

describe('GET /v1/stats', () => {
  it('should count every message by status, provider and type, with the delivery rates', async () => {
    const answer = await getJson(`${api.url}/v1/stats`);

    expect(answer).toEqual({
      status: 200,
      body: {
        total: 7,
        byStatus: statuses({ SENT: 2, DELIVERED: 3, FAILED: 1, UNKNOWN: 1 }),
        byProvider: { smpp: 5, solapi: 2 },
        byType: { SMS: 4, LMS: 1, ALIMTALK: 2 },
        rates: { delivered: 3 / 7, failed: 1 / 7, deliveredOfFinished: 3 / 5 },
      },
    });
  });

  it('should count the messages requested from since, up to but not at until', async () => {
    const answer = await getJson(`${api.url}/v1/stats?since=2026-11-01&until=2026-11-02`);

    expect(answer.body).toEqual({
      total: 5,
      byStatus: statuses({ SENT: 1, DELIVERED: 3, FAILED: 1 }),
      byProvider: { smpp: 4, solapi: 1 },
      byType: { SMS: 3, LMS: 1, ALIMTALK: 1 },
      rates: { delivered: 3 / 5, failed: 1 / 5, deliveredOfFinished: 3 / 4 },
    });
  });

  it('should count only the providers and types asked for', async () => {
    const solapi = await getJson(`${api.url}/v1/stats?providerId=solapi`);
    const sms = await getJson(`${api.url}/v1/stats?type=SMS,LMS&since=2026-11-02T00:00:00Z`);

    expect(solapi.body).toMatchObject({
      total: 2,
      byStatus: statuses({ DELIVERED: 1, UNKNOWN: 1 }),
      rates: { delivered: 0.5, failed: 0, deliveredOfFinished: 0.5 },
    });
    expect(sms.body).toMatchObject({
      total: 1,
      byStatus: statuses({ SENT: 1 }),
      byProvider: { smpp: 1 },
      rates: { delivered: 0, failed: 0, deliveredOfFinished: null },
    });
  });

  it('should answer zeros and no rates when no message matches', async () => {
    const answer = await getJson(`${api.url}/v1/stats?since=2030-01-01T00:00:00Z`);

    expect(answer.body).toEqual({
      total: 0,
      byStatus: statuses({}),
      byProvider: {},
      byType: {},
      rates: { delivered: null, failed: null, deliveredOfFinished: null },
    });
  });

  it.each([
    [
      'since=2026-11-02&until=2026-11-02',
      'query.until: expected a time after since (2026-11-02T00:00:00.000Z), ' +
        'got 2026-11-02T00:00:00.000Z',
    ],
    [
      'since=last-week',
      'query.since: expected an ISO-8601 time such as 2026-11-30T10:00:00Z or ' +
        '2026-11-30T19:00:00+09:00, or a date, got "last-week"',
    ],
    [
      'status=SENT',
      'query: unknown parameter "status"; expected among since, until, providerId, type',
    ],
  ])('should answer 400 for %s', async (query, message) => {
    const answer = await getJson(`${api.url}/v1/stats?${query}`);

    expect(answer).toEqual({ status: 400, body: { error: { code: 'INVALID_INPUT', message } } });
  });
});
