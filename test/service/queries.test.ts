import { beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryTrackingService, ListOptions, RecordFilter } from '../../src/index.js';
import { aReceipt, MINUTE, recordSend, type SendSpec, T0, useLedgers } from './support.js';

const ledgers = useLedgers({ scope: 'file' });

/*
 * Six messages, sent a minute apart (a, b and c at the same minute), whose
 * statuses were last updated at the minutes given.
 */
const MESSAGES: Array<SendSpec & { receipt?: 'DELIVERED' | 'FAILED'; updatedAt: number }> = [
  { messageId: 'a', timestamp: T0, providerId: 'solapi', type: 'SMS', to: '010-1', updatedAt: 10 },
  { messageId: 'c', timestamp: T0, providerId: 'solapi', type: 'LMS', to: '010-2', updatedAt: 11 },
  {
    messageId: 'b',
    timestamp: T0,
    providerId: 'iwinv',
    type: 'ALIMTALK',
    to: '010-1',
    updatedAt: 12,
    receipt: 'DELIVERED',
  },
  {
    messageId: 'd',
    timestamp: T0 + MINUTE,
    providerId: 'iwinv',
    type: 'SMS',
    to: '010-3',
    from: '02-9',
    updatedAt: 13,
    receipt: 'FAILED',
  },
  {
    messageId: 'e',
    timestamp: T0 + 2 * MINUTE,
    providerId: 'solapi',
    type: 'SMS',
    to: '010-3',
    updatedAt: 14,
    receipt: 'DELIVERED',
  },
  {
    messageId: 'f',
    timestamp: T0 + 3 * MINUTE,
    providerId: 'acme',
    type: 'ALIMTALK',
    to: '010-4',
    updatedAt: 15,
  },
];

let service: DeliveryTrackingService;

beforeAll(async () => {
  const ledger = ledgers.open();
  service = ledger.service;
  for (const { receipt, updatedAt, ...spec } of MESSAGES) {
    ledger.clock.set(T0 + updatedAt * MINUTE);
    await recordSend(service, { from: '02-1', ...spec });
    if (receipt) {
      await service.ingestReceipt(
        aReceipt(`p-${spec.messageId}`, receipt, { providerId: spec.providerId! }),
      );
    }
  }
});

async function ids(options: Partial<ListOptions> = {}): Promise<string[]> {
  return (await service.listRecords({ limit: 100, ...options })).map((r) => r.messageId);
}

describe('listing records', () => {
  it('should order by requestedAt, newest first, then by message id, by default', async () => {
    expect(await ids()).toEqual(['f', 'e', 'd', 'c', 'b', 'a']);
  });

  it('should order either way by requestedAt or statusUpdatedAt', async () => {
    expect(await ids({ orderDirection: 'asc' })).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(await ids({ orderBy: 'statusUpdatedAt' })).toEqual(['f', 'e', 'd', 'b', 'c', 'a']);
    expect(await ids({ orderBy: 'statusUpdatedAt', orderDirection: 'asc' })).toEqual([
      'a',
      'c',
      'b',
      'd',
      'e',
      'f',
    ]);
  });

  it('should page with limit and offset, every record once', async () => {
    const pages = [];
    for (let offset = 0; offset < 8; offset += 4) pages.push(await ids({ limit: 4, offset }));

    expect(pages).toEqual([
      ['f', 'e', 'd', 'c'],
      ['b', 'a'],
    ]);
    expect(await ids({ limit: 0 })).toEqual([]);
  });

  const filters: Array<[string, RecordFilter, string[]]> = [
    ['one message id', { messageId: 'c' }, ['c']],
    ['several message ids', { messageId: ['a', 'e', 'zz'] }, ['e', 'a']],
    ['a provider', { providerId: 'iwinv' }, ['d', 'b']],
    ['providers', { providerId: ['iwinv', 'acme'] }, ['f', 'd', 'b']],
    ['a provider message id', { providerMessageId: 'p-d' }, ['d']],
    ['provider message ids', { providerMessageId: ['p-a', 'p-f'] }, ['f', 'a']],
    ['a type', { type: 'ALIMTALK' }, ['f', 'b']],
    ['types', { type: ['LMS', 'ALIMTALK'] }, ['f', 'c', 'b']],
    ['a status', { status: 'SENT' }, ['f', 'c', 'a']],
    ['statuses', { status: ['FAILED', 'DELIVERED'] }, ['e', 'd', 'b']],
    ['a recipient', { to: '010-1' }, ['b', 'a']],
    ['recipients', { to: ['010-3', '010-4'] }, ['f', 'e', 'd']],
    ['a sender', { from: '02-9' }, ['d']],
    ['senders', { from: ['02-9', '02-1'] }, ['f', 'e', 'd', 'c', 'b', 'a']],
    ['fields together', { providerId: 'solapi', type: 'SMS', status: 'SENT' }, ['a']],
    ['requestedAtFrom, inclusive', { requestedAtFrom: new Date(T0 + MINUTE) }, ['f', 'e', 'd']],
    ['requestedAtTo, inclusive', { requestedAtTo: new Date(T0 + MINUTE) }, ['d', 'c', 'b', 'a']],
    [
      'a requestedAt range',
      { requestedAtFrom: new Date(T0 + MINUTE), requestedAtTo: new Date(T0 + 2 * MINUTE) },
      ['e', 'd'],
    ],
    [
      'statusUpdatedAtFrom, inclusive',
      { statusUpdatedAtFrom: new Date(T0 + 14 * MINUTE) },
      ['f', 'e'],
    ],
    ['statusUpdatedAtTo, inclusive', { statusUpdatedAtTo: new Date(T0 + 11 * MINUTE) }, ['c', 'a']],
    ['an empty list', { status: [] }, []],
  ];

  it.each(filters)('should keep to %s', async (_, filter, expected) => {
    expect(await ids(filter)).toEqual(expected);
    expect(await service.countRecords(filter)).toBe(expected.length);
  });

  it('should refuse a limit that is not a whole number >= 0', async () => {
    for (const limit of [-1, 1.5, Number.NaN, undefined]) {
      await expect(service.listRecords({ limit } as unknown as ListOptions)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        path: 'options.limit',
      });
    }
  });
});

describe('counting records', () => {
  const byKey = (rows: Array<{ key: object; count: number }>) =>
    rows.map((row) => [JSON.stringify(row.key), row.count]).sort();

  it('should count all records without a filter', async () => {
    expect(await service.countRecords()).toBe(6);
  });

  it('should count by provider, type and status, alone or together', async () => {
    expect(byKey(await service.countBy({}, ['status']))).toEqual([
      ['{"status":"DELIVERED"}', 2],
      ['{"status":"FAILED"}', 1],
      ['{"status":"SENT"}', 3],
    ]);
    expect(byKey(await service.countBy({ type: 'SMS' }, ['providerId', 'status']))).toEqual([
      ['{"providerId":"iwinv","status":"FAILED"}', 1],
      ['{"providerId":"solapi","status":"DELIVERED"}', 1],
      ['{"providerId":"solapi","status":"SENT"}', 1],
    ]);
    expect(byKey(await service.countBy({ providerId: 'acme' }, ['type']))).toEqual([
      ['{"type":"ALIMTALK"}', 1],
    ]);
    expect(await service.countBy({ status: 'SENT' }, [])).toEqual([{ key: {}, count: 3 }]);
  });

  it('should refuse to group by another field', async () => {
    await expect(service.countBy({}, ['to' as unknown as 'status'])).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      path: 'groupBy.0',
    });
  });
});
