import { expect } from 'vitest';
import type { TrackingRecord } from '../../src/projections/tracking-record.js';
import { aSend, postJson, type TestApi } from './support.js';

/** One send to record through `POST /v1/sends`. */
export interface SeedSend {
  messageId: string;
  requestedAt: string;
  providerId?: string;
  type?: string;
  to?: string;
  from?: string;
}

/** Records the sends through the API, a few at a time. */
export async function recordSends(api: TestApi, sends: readonly SeedSend[]): Promise<void> {
  const queue = [...sends];
  const worker = async () => {
    for (let send = queue.shift(); send; send = queue.shift()) {
      const body = aSend(send.messageId, { providerId: send.providerId ?? 'smpp' });
      Object.assign(body.context, { timestamp: send.requestedAt });
      const options = body.context.options as Record<string, unknown>;
      if (send.type !== undefined) options.type = send.type;
      if (send.to !== undefined) options.to = send.to;
      if (send.from !== undefined) options.from = send.from;
      const answer = await postJson(`${api.url}/v1/sends`, body);
      expect(answer.status).toBe(202);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** The items in an order that depends on their ids only, and not on their order given. */
export function shuffled<T extends { messageId: string }>(items: readonly T[]): T[] {
  const hash = (text: string) => {
    let h = 2166136261;
    for (const char of text) h = Math.imul(h ^ char.codePointAt(0)!, 16777619);
    return h >>> 0;
  };
  return [...items].sort((a, b) => hash(a.messageId) - hash(b.messageId));
}

/** SMPP report statuses. */
export type SmppStat = 'DELIVRD' | 'UNDELIV' | 'ACCEPTD' | 'UNKNOWN';

/** Posts SMPP reports for sends recorded by {@link recordSends} (provider message id `p-<id>`). */
export async function reportSmpp(
  api: TestApi,
  reports: ReadonlyArray<{ messageId: string; stat: SmppStat }>,
  providerId = 'smpp',
): Promise<Record<string, unknown>> {
  const body = reports
    .map(
      ({ messageId, stat }) =>
        `id:p-${messageId} sub:001 dlvrd:001 submit date:2611301010 done date:2611301011 ` +
        `stat:${stat} err:000`,
    )
    .join('\n');
  const response = await fetch(`${api.url}/v1/receipts/smpp?provider=${providerId}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** A record as it reads in a JSON answer, dates as ISO strings. */
export type RecordJson = Omit<TrackingRecord, 'requestedAt' | 'statusUpdatedAt'> & {
  requestedAt: string;
  statusUpdatedAt: string;
};

/** GETs a page of `/v1/messages`. */
export async function getPage(
  api: TestApi,
  query: string,
): Promise<{ status: number; records: RecordJson[]; nextCursor: string | null; body: unknown }> {
  const response = await fetch(`${api.url}/v1/messages?${query}`);
  const body = (await response.json()) as { records: RecordJson[]; nextCursor: string | null };
  return { status: response.status, records: body.records, nextCursor: body.nextCursor, body };
}

/** Follows `nextCursor` from the first page to the last, and lists every record's id. */
export async function walkPages(
  api: TestApi,
  query: string,
): Promise<{ ids: string[]; pageSizes: number[] }> {
  const ids: string[] = [];
  const pageSizes: number[] = [];
  let cursor: string | null = null;
  do {
    const suffix: string = cursor === null ? '' : `&cursor=${cursor}`;
    const page = await getPage(api, `${query}${suffix}`);
    expect(page.status).toBe(200);
    ids.push(...page.records.map((record) => record.messageId));
    pageSizes.push(page.records.length);
    cursor = page.nextCursor;
  } while (cursor !== null && pageSizes.length < 1000);
  return { ids, pageSizes };
}
