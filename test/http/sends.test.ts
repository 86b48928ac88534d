import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSend, getJson, PHONE, postJson, startApi, type TestApi } from './support.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe('POST /v1/sends', () => {
  it('should record the send and answer 202 with the message id', async () => {
    const answer = await postJson(`${api.url}/v1/sends`, aSend('send-1'));

    expect(answer).toEqual({ status: 202, body: { messageId: 'send-1' } });
    const record = await api.service.getRecord('send-1');
    expect(record).toMatchObject({ messageId: 'send-1', providerId: 'smpp', status: 'SENT' });
  });

  it('should take dates as epoch milliseconds too', async () => {
    const send = aSend('send-epoch');
    send.context.timestamp = Date.parse('2026-11-30T09:00:00Z');

    const answer = await postJson(`${api.url}/v1/sends`, send);

    expect(answer.status).toBe(202);
    const record = await api.service.getRecord('send-epoch');
    expect(record?.requestedAt.toISOString()).toBe('2026-11-30T09:00:00.000Z');
  });

  it('should refuse a message id with spaces around it, which could not be read back', async () => {
    const answer = await postJson(`${api.url}/v1/sends`, aSend('  send-padded '));

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error: {
        code: 'INVALID_INPUT',
        message: 'context.messageId: expected no spaces around the id',
      },
    });
    expect(await api.service.getRecord('send-padded')).toBeUndefined();
  });
});

describe('POST /v1/sends with a request that is wrong', () => {
  const post = (body: string, contentType = 'application/json') =>
    fetch(`${api.url}/v1/sends`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });

  it('should answer 400 INVALID_INPUT for a body that is not JSON', async () => {
    const response = await post('{"context": {"messageId": "bad-json"');

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('INVALID_INPUT');
    expect(body.error.message).toMatch(/^expected a JSON body/);
    expect(await api.service.getRecord('bad-json')).toBeUndefined();
  });

  it('should answer 400 INVALID_INPUT for an empty body', async () => {
    const response = await post('');

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: { code: 'INVALID_INPUT', message: 'expected a JSON body, got an empty body' },
    });
  });

  it('should answer 400 naming the field that is missing, and record nothing', async () => {
    const send = aSend('no-provider');
    delete send.result.providerId;

    const answer = await postJson(`${api.url}/v1/sends`, send);

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/^result\.providerId: /) },
    });
    expect(await api.service.getRecord('no-provider')).toBeUndefined();
    expect(await api.service.history('no-provider')).toEqual([]);
  });

  it('should answer 400 naming the field of the wrong type, and record nothing', async () => {
    const send = aSend('wrong-type');
    send.context.timestamp = 'yesterday-ish';

    const answer = await postJson(`${api.url}/v1/sends`, send);

    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'INVALID_INPUT' } });
    expect((answer.body.error as { message: string }).message).toMatch(/^context\.timestamp: /);
    expect(await api.service.getRecord('wrong-type')).toBeUndefined();
  });

  it('should answer 400 when the body is not an object with context and result', async () => {
    const answer = await postJson(`${api.url}/v1/sends`, [aSend('in-an-array')]);

    expect(answer).toEqual({
      status: 400,
      body: {
        error: {
          code: 'INVALID_INPUT',
          message: 'body: expected an object with "context" and "result", got an array',
        },
      },
    });
  });

  it('should answer 415 for a body that is not declared JSON', async () => {
    const response = await post(JSON.stringify(aSend('as-text')), 'text/plain');

    expect(response.status).toBe(415);
    expect(await response.json()).toMatchObject({ error: { code: 'UNSUPPORTED_MEDIA_TYPE' } });
    expect(await api.service.getRecord('as-text')).toBeUndefined();
  });

  it('should answer 413 for a body over 1 MiB', async () => {
    const send = aSend('too-large');
    send.context.padding = 'x'.repeat(1024 * 1024);

    const answer = await postJson(`${api.url}/v1/sends`, send);

    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});

describe('GET /v1/messages/:messageId', () => {
  it('should answer the tracking record with dates as ISO strings', async () => {
    await postJson(`${api.url}/v1/sends`, aSend('read-1', { providerMessageId: 'prov-77' }));

    const answer = await getJson(`${api.url}/v1/messages/read-1`);

    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      messageId: 'read-1',
      providerId: 'smpp',
      providerMessageId: 'prov-77',
      type: 'SMS',
      to: PHONE,
      status: 'SENT',
      requestedAt: '2026-11-30T10:00:00.000Z',
      attemptCount: 0,
    });
  });

  it('should answer 404 NOT_FOUND for a message that is not tracked', async () => {
    const answer = await getJson(`${api.url}/v1/messages/never-sent`);

    expect(answer).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no tracked message has id "never-sent"' } },
    });
  });
});

describe('GET /v1/messages/:messageId/events', () => {
  it("should answer the message's events in order", async () => {
    await postJson(`${api.url}/v1/sends`, aSend('history-1'));

    const answer = await getJson(`${api.url}/v1/messages/history-1/events`);

    expect(answer.status).toBe(200);
    const events = answer.body.events as { type: string; revision: number; position: string }[];
    expect(events[0]).toMatchObject({ type: 'SendRecorded', revision: 0 });
    expect(events[0]?.position).toMatch(/^\d+$/);
  });

  it('should answer 404 for a message that is not tracked', async () => {
    const answer = await getJson(`${api.url}/v1/messages/never-sent/events`);

    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });
});
