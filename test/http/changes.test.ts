import { finalize } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { StatusChange } from '../../src/projections/change-feed.js';
import { EventStreamReader, type StreamBlock } from './event-stream-reader.js';
import { aSend, getJson, postJson, startApi, type TestApi } from './support.js';

const DELIVERED_LINE =
  'id:{id} sub:001 dlvrd:001 submit date:2611301010 done date:2611301011 stat:DELIVRD err:000';

async function deliver(api: TestApi, providerMessageId: string): Promise<void> {
  const response = await fetch(`${api.url}/v1/receipts/smpp`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: DELIVERED_LINE.replace('{id}', providerMessageId),
  });
  expect(await response.json()).toMatchObject({ applied: 1 });
}

describe('GET /v1/changes', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('should stream a status change as an event with its position as id', async () => {
    const stream = await EventStreamReader.open(`${api.url}/v1/changes?messageId=live-1`);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await stream.nextBlock()).toEqual({ comments: ['connected'] });

    await postJson(`${api.url}/v1/sends`, aSend('live-1'));
    const event = await stream.nextEvent();
    stream.close();

    const change = JSON.parse(event.data) as StatusChange;
    expect(change).toMatchObject({
      messageId: 'live-1',
      providerId: 'smpp',
      previousStatus: null,
      status: 'SENT',
      cause: 'send',
    });
    expect(event.id).toBe(change.position);
  });

  it('should replay past changes from the start, filtered by status', async () => {
    await postJson(`${api.url}/v1/sends`, aSend('past-1', { providerMessageId: 'past-1' }));
    await deliver(api, 'past-1');

    const stream = await EventStreamReader.open(
      `${api.url}/v1/changes?messageId=past-1&status=delivered,failed&from=start`,
    );
    const event = await stream.nextEvent();
    stream.close();

    expect(JSON.parse(event.data)).toMatchObject({
      messageId: 'past-1',
      previousStatus: 'SENT',
      status: 'DELIVERED',
      cause: 'receipt',
    });
  });

  it('should go on after the Last-Event-ID of a client that reconnects', async () => {
    await postJson(`${api.url}/v1/sends`, aSend('resume-1', { providerMessageId: 'resume-1' }));
    await deliver(api, 'resume-1');
    const first = await EventStreamReader.open(
      `${api.url}/v1/changes?messageId=resume-1&from=start`,
    );
    const sent = await first.nextEvent();
    first.close();

    const again = await EventStreamReader.open(`${api.url}/v1/changes?messageId=resume-1`, {
      'last-event-id': sent.id,
    });
    const next = await again.nextEvent();
    again.close();

    expect(JSON.parse(sent.data)).toMatchObject({ status: 'SENT' });
    expect(JSON.parse(next.data)).toMatchObject({ status: 'DELIVERED' });
  });

  it('should unsubscribe from the changes when the client disconnects', async () => {
    let unsubscribed = false;
    const statusChanges = api.service.statusChanges.bind(api.service);
    const spy = vi.spyOn(api.service, 'statusChanges').mockImplementationOnce((options) =>
      statusChanges(options).pipe(
        finalize(() => {
          unsubscribed = true;
        }),
      ),
    );
    const stream = await EventStreamReader.open(`${api.url}/v1/changes`);
    await stream.nextBlock();

    stream.close();

    await vi.waitFor(() => expect(unsubscribed).toBe(true));
    spy.mockRestore();
  });

  it('should answer 400 naming a status that does not exist', async () => {
    const answer = await getJson(`${api.url}/v1/changes?status=SENT,LOST`);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: {
        code: 'INVALID_INPUT',
        message: expect.stringMatching(/^query\.status\.1: expected statuses among PENDING/),
      },
    });
  });

  it('should answer 400 for a from that is neither a position nor start', async () => {
    const answer = await getJson(`${api.url}/v1/changes?from=yesterday`);

    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message: 'query.from: expected a position such as "42", or "start"',
        },
      },
    });
  });
});

describe('GET /v1/changes while nothing changes', () => {
  it('should send heartbeat comments, and end when the server closes', async () => {
    const api = await startApi({ heartbeatMs: 20 });
    const stream = await EventStreamReader.open(`${api.url}/v1/changes`);
    await stream.nextBlock();

    const heartbeat = await stream.nextBlock();
    await api.close();

    expect(heartbeat).toEqual({ comments: ['heartbeat'] });
    const rest: StreamBlock[] = [];
    for (let block = await stream.nextBlock(); block; block = await stream.nextBlock()) {
      rest.push(block);
    }
    expect(rest.filter((block) => block.data !== undefined)).toEqual([]);
  });
});
