import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ListOptions } from '../../src/projections/record-filter.js';
import { getPage, recordSends, reportSmpp, type SeedSend, shuffled, walkPages } from './seed.js';
import { getJson, PHONE, startApi, type TestApi } from './support.js';

const TIE = Date.parse('2026-11-30T10:00:00.000Z');
const at = (minutes: number) => new Date(TIE + minutes * 60_000).toISOString();
const OTHER_PHONE = '01099990000';
const OTHER_SENDER = '0311112222';

/** 130 sends at one requestedAt, with ids that sort in tricky ways, and 40 spread around it. */
function seedSends(): SeedSend[] {
  const tied = [
    ...Array.from({ length: 125 }, (_, i) => `tie-${i}`),
    'Tie-upper',
    'tie-가나',
    'tie-',
    'tie-~',
    'tie-z',
  ];
  const spread = Array.from({ length: 40 }, (_, i) => ({ id: `m-${i}`, minutes: i - 20 }));
  const sends = [
    ...tied.map((id) => ({ id, minutes: 0 })),
    ...spread,
    { id: 'pair-a', minutes: 30 },
    { id: 'pair-b', minutes: 30 },
  ];
  return sends.map(({ id, minutes }, i) => ({
    messageId: id,
    requestedAt: at(minutes),
    providerId: i % 3 === 0 ? 'solapi' : 'smpp',
    type: i % 4 === 0 ? 'LMS' : 'SMS',
    to: i % 5 === 0 ? OTHER_PHONE : PHONE,
    from: i % 7 === 0 ? OTHER_SENDER : '0212345678',
  }));
}

const SENDS = seedSends();
const DELIVERED = SENDS.filter((s) => s.providerId === 'smpp').slice(0, 30);
const FAILED = SENDS.filter((s) => s.providerId === 'smpp').slice(30, 40);

const clock = { now: Date.parse('2026-11-30T12:00:00.000Z') };
let api: TestApi;

beforeAll(async () => {
  api = await startApi({}, { now: () => clock.now });
  // Shuffled, so that the store does not get them in their order.
  await recordSends(api, shuffled(SENDS));
  clock.now += 60_000;
  await reportSmpp(
    api,
    DELIVERED.map((s) => ({ messageId: s.messageId, stat: 'DELIVRD' })),
  );
  clock.now += 60_000;
  await reportSmpp(
    api,
    FAILED.map((s) => ({ messageId: s.messageId, stat: 'UNDELIV' })),
  );
});
afterAll(() => api.close());

/** Every record's id, in the service's own order: what the pages must add up to. */
async function idsOf(options: Omit<ListOptions, 'limit'> = {}): Promise<string[]> {
  const records = await api.service.listRecords({ ...options, limit: 10_000 });
  return records.map((record) => record.messageId);
}

const idsIn = (sends: readonly SeedSend[]) => sends.map((s) => s.messageId).sort();
const sortedIds = (records: ReadonlyArray<{ messageId: string }>) =>
  records.map((r) => r.messageId).sort();

describe('GET /v1/messages: filters', () => {
  it('should list the newest first, 50 to a page, by default', async () => {
    const page = await getPage(api, '');

    expect(page.status).toBe(200);
    expect(page.records.map((r) => r.messageId)).toEqual((await idsOf()).slice(0, 50));
    expect(page.records[0]).toMatchObject({ messageId: 'pair-b', requestedAt: at(30) });
    expect(page.nextCursor).toEqual(expect.any(String));
  });

  it('should take a value or a comma list for messageId', async () => {
    const one = await getPage(api, 'messageId=m-3');
    const some = await getPage(api, 'messageId=m-3,%20tie-7,unknown&messageId=pair-a');

    expect(one.records.map((r) => r.messageId)).toEqual(['m-3']);
    expect(sortedIds(some.records)).toEqual(['m-3', 'pair-a', 'tie-7']);
    expect(some.nextCursor).toBeNull();
  });

  it.each([
    ['providerId=solapi', (s: SeedSend) => s.providerId === 'solapi'],
    ['type=LMS', (s: SeedSend) => s.type === 'LMS'],
    [`to=${OTHER_PHONE}`, (s: SeedSend) => s.to === OTHER_PHONE],
    [`from=${OTHER_SENDER}`, (s: SeedSend) => s.from === OTHER_SENDER],
    ['providerMessageId=p-m-4,p-tie-9', (s: SeedSend) => ['m-4', 'tie-9'].includes(s.messageId)],
    ['providerId=smpp&type=SMS', (s: SeedSend) => s.providerId === 'smpp' && s.type === 'SMS'],
  ])('should list only the records matching %s', async (query, matches) => {
    const page = await getPage(api, `${query}&limit=1000`);

    expect(sortedIds(page.records)).toEqual(idsIn(SENDS.filter(matches)));
  });

  it('should filter by status, in any case, as a comma list', async () => {
    const delivered = await getPage(api, 'status=delivered&limit=1000');
    const finished = await getPage(api, 'status=DELIVERED,Failed&limit=1000');

    expect(sortedIds(delivered.records)).toEqual(idsIn(DELIVERED));
    expect(sortedIds(finished.records)).toEqual(idsIn([...DELIVERED, ...FAILED]));
  });

  it('should include both ends of a requestedAt range', async () => {
    const page = await getPage(
      api,
      `requestedAtFrom=${at(-3)}&requestedAtTo=${encodeURIComponent(at(-1))}&limit=1000`,
    );

    expect(sortedIds(page.records)).toEqual(['m-17', 'm-18', 'm-19']);
  });

  it('should take a time with an offset, and a date alone as its midnight UTC', async () => {
    const offset = await getPage(api, 'requestedAtFrom=2026-11-30T19:19:00%2B09:00&limit=1000');
    const date = await getPage(api, 'requestedAtTo=2026-11-30&limit=1000');

    expect(sortedIds(offset.records)).toEqual(['m-39', 'pair-a', 'pair-b']);
    expect(date.records).toEqual([]);
  });

  it('should filter by when the status changed', async () => {
    const lastChange = new Date(clock.now).toISOString();

    const page = await getPage(api, `statusUpdatedAtFrom=${lastChange}&limit=1000`);

    expect(sortedIds(page.records)).toEqual(idsIn(FAILED));
  });
});

describe('GET /v1/messages: order', () => {
  it.each([
    ['requestedAt', 'asc'],
    ['requestedAt', 'desc'],
    ['statusUpdatedAt', 'asc'],
    ['statusUpdatedAt', 'desc'],
  ] as const)('should order by %s %s, then by message id', async (orderBy, direction) => {
    const page = await getPage(api, `orderBy=${orderBy}&orderDirection=${direction}&limit=1000`);

    expect(page.records.map((r) => r.messageId)).toEqual(
      await idsOf({ orderBy, orderDirection: direction }),
    );
    expect(page.nextCursor).toBeNull();
  });

  it('should skip records with offset, and carry on from there with the cursor', async () => {
    const all = await idsOf({ orderDirection: 'asc' });

    const first = await getPage(api, 'orderDirection=asc&offset=40&limit=5');
    const second = await getPage(api, `orderDirection=asc&limit=5&cursor=${first.nextCursor}`);

    expect(first.records.map((r) => r.messageId)).toEqual(all.slice(40, 45));
    expect(second.records.map((r) => r.messageId)).toEqual(all.slice(45, 50));
  });
});

describe('GET /v1/messages: cursor paging', () => {
  it.each([
    ['requestedAt', 'desc', 7],
    ['requestedAt', 'asc', 7],
    ['requestedAt', 'desc', 50],
    ['statusUpdatedAt', 'desc', 9],
    ['statusUpdatedAt', 'asc', 3],
  ] as const)(
    'should list every record once, across pages in %s %s order of %i, ties included',
    async (orderBy, direction, limit) => {
      const expected = await idsOf({ orderBy, orderDirection: direction });

      const { ids, pageSizes } = await walkPages(
        api,
        `orderBy=${orderBy}&orderDirection=${direction}&limit=${limit}`,
      );

      expect(ids).toEqual(expected);
      expect(new Set(ids).size).toBe(SENDS.length);
      expect(pageSizes.slice(0, -1).every((size) => size === limit)).toBe(true);
    },
  );

  it('should page through 130 records that share one requestedAt', async () => {
    const query = `requestedAtFrom=${at(0)}&requestedAtTo=${at(0)}&limit=4`;
    const expected = await idsOf({ requestedAtFrom: new Date(TIE), requestedAtTo: new Date(TIE) });

    const { ids } = await walkPages(api, query);

    expect(expected).toHaveLength(131); // the 130 ties and m-20
    expect(ids).toEqual(expected);
  });

  it('should page through a filtered listing', async () => {
    const query = 'providerId=smpp&status=SENT,DELIVERED&orderDirection=asc&limit=6';
    const expected = await idsOf({
      providerId: 'smpp',
      status: ['SENT', 'DELIVERED'],
      orderDirection: 'asc',
    });

    const { ids } = await walkPages(api, query);

    expect(ids).toEqual(expected);
  });

  it('should answer no nextCursor on the last page', async () => {
    const page = await getPage(api, 'messageId=m-1,m-2&limit=2');

    expect(page.records).toHaveLength(2);
    expect(page.nextCursor).toBeNull();
  });
});

describe('GET /v1/messages: wrong input', () => {
  const cursorOf = async (query: string) => (await getPage(api, query)).nextCursor!;
  const encoded = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

  it.each([
    ['limit=abc', 'query.limit: expected a whole number from 1 to 1000, got "abc"'],
    ['limit=0', 'query.limit: expected a whole number from 1 to 1000, got "0"'],
    ['limit=1001', 'query.limit: expected a whole number from 1 to 1000, got "1001"'],
    ['limit=2.5', 'query.limit: expected a whole number from 1 to 1000, got "2.5"'],
    [
      'limit=1&limit=2',
      'query.limit: expected a whole number from 1 to 1000, given once, got it 2 times',
    ],
    ['offset=-1', 'query.offset: expected a whole number >= 0, got "-1"'],
    [
      'orderBy=createdAt',
      'query.orderBy: expected requestedAt or statusUpdatedAt, got "createdAt"',
    ],
    ['orderDirection=up', 'query.orderDirection: expected asc or desc, got "up"'],
    [
      'status=SENT,LOST',
      'query.status: expected statuses among PENDING, SENT, DELIVERED, FAILED, CANCELLED, ' +
        'UNKNOWN, separated by commas, got "LOST"',
    ],
    [
      'providerId=smpp,,solapi',
      'query.providerId: expected a value or a comma-separated list of values, got an empty value',
    ],
    [
      'requestedAtFrom=yesterday',
      'query.requestedAtFrom: expected an ISO-8601 time such as 2026-11-30T10:00:00Z or ' +
        '2026-11-30T19:00:00+09:00, or a date, got "yesterday"',
    ],
    [
      'statusUpdatedAtTo=2026-11-30T10:00:00',
      'query.statusUpdatedAtTo: expected an ISO-8601 time such as 2026-11-30T10:00:00Z or ' +
        '2026-11-30T19:00:00+09:00, or a date, got "2026-11-30T10:00:00"',
    ],
    [
      'requestedAtFrom=2026-11-30T10:00:00Z&requestedAtTo=2026-11-29T10:00:00Z',
      'query.requestedAtTo: expected a time at or after requestedAtFrom ' +
        '(2026-11-30T10:00:00.000Z), got 2026-11-29T10:00:00.000Z',
    ],
    [
      'limt=10',
      'query: unknown parameter "limt"; expected among messageId, providerId, ' +
        'providerMessageId, type, status, to, from, requestedAtFrom, requestedAtTo, ' +
        'statusUpdatedAtFrom, statusUpdatedAtTo, orderBy, orderDirection, limit, offset, cursor',
    ],
  ])('should answer 400 for %s, saying what was expected', async (query, message) => {
    const answer = await getJson(`${api.url}/v1/messages?${query}`);

    expect(answer).toEqual({ status: 400, body: { error: { code: 'INVALID_INPUT', message } } });
  });

  it.each([
    ['text that is not base64url', 'not a cursor!'],
    ['base64url that is not JSON', Buffer.from('{oops').toString('base64url')],
    ['JSON of another shape', encoded({ after: 'm-1' })],
    [
      'JSON of another version',
      encoded({ v: 2, o: 'requestedAt', d: 'desc', t: 1, id: 'm', f: '' }),
    ],
  ])('should answer 400 for a cursor that is %s', async (_what, cursor) => {
    const answer = await getJson(`${api.url}/v1/messages?cursor=${encodeURIComponent(cursor)}`);

    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message:
            'query.cursor: expected the nextCursor of an earlier page, but this one does not decode',
        },
      },
    });
  });

  it('should answer 400 for a cursor of another filter', async () => {
    const cursor = await cursorOf('status=SENT&limit=2');

    const other = await getJson(`${api.url}/v1/messages?status=DELIVERED&cursor=${cursor}`);
    const none = await getJson(`${api.url}/v1/messages?cursor=${cursor}`);
    const same = await getJson(`${api.url}/v1/messages?status=sent,SENT&cursor=${cursor}`);

    for (const answer of [other, none]) {
      expect(answer).toEqual({
        status: 400,
        body: {
          error: {
            code: 'INVALID_INPUT',
            message:
              'query.cursor: the cursor belongs to another filter; repeat the query it came ' +
              'from, or start again without a cursor',
          },
        },
      });
    }
    expect(same.status).toBe(200);
  });

  it('should answer 400 for a cursor of another order', async () => {
    const cursor = await cursorOf('limit=2');

    const answer = await getJson(`${api.url}/v1/messages?orderDirection=asc&cursor=${cursor}`);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message:
          'query.cursor: the cursor belongs to the order requestedAt desc, not requestedAt asc; ' +
          'repeat the query it came from, or start again without a cursor',
      },
    });
  });

  it('should answer 400 for a cursor with an offset', async () => {
    const cursor = await cursorOf('limit=2');

    const answer = await getJson(`${api.url}/v1/messages?offset=2&cursor=${cursor}`);

    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message:
            'query.offset: expected no offset with a cursor, which already says where the page starts',
        },
      },
    });
  });
});

describe('GET /v1/messages: cursor paging while sends are recorded', () => {
  it('should carry on after the last record, neither repeating nor skipping one', async () => {
    const at100 = at(100);
    await recordSends(
      api,
      ['late-a', 'late-c', 'late-e'].map((id) => ({
        messageId: id,
        requestedAt: at100,
        type: 'RCS',
      })),
    );
    const first = await getPage(api, 'type=RCS&limit=2');

    // One before the cursor's record, which an offset would turn into a repeat; one after it.
    await recordSends(
      api,
      ['late-d', 'late-b'].map((id) => ({ messageId: id, requestedAt: at100, type: 'RCS' })),
    );
    const second = await getPage(api, `type=RCS&limit=2&cursor=${first.nextCursor}`);

    expect(first.records.map((r) => r.messageId)).toEqual(['late-e', 'late-c']);
    expect(second.records.map((r) => r.messageId)).toEqual(['late-b', 'late-a']);
    expect(second.nextCursor).toBeNull();
  });
});
