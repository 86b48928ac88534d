import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHttpServer } from '../../src/http/index.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import { getJson, recordingLogger, startApi, type TestApi } from './support.js';

let api: TestApi;
beforeAll(async () => {
  api = await startApi();
});
afterAll(() => api.close());

describe('GET /healthz', () => {
  it('should answer 200 with status ok', async () => {
    expect(await getJson(`${api.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('error answers', () => {
  it('should answer 404 NOT_FOUND for a route that does not exist, without its query', async () => {
    const answer = await getJson(`${api.url}/v2/everything?to=01055512345`);

    expect(answer).toEqual({
      status: 404,
      body: { error: { code: 'NOT_FOUND', message: 'no route for GET /v2/everything' } },
    });
  });

  it('should answer 500 INTERNAL with a generic message, and log the fault', async () => {
    const fault = new Error('database file /var/lib/ledger.db is on fire');
    vi.spyOn(api.service, 'getRecord').mockRejectedValueOnce(fault);

    const response = await fetch(`${api.url}/v1/messages/any`);
    const text = await response.text();

    expect(response.status).toBe(500);
    expect(JSON.parse(text)).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'the server failed to handle the request; it has been logged',
      },
    });
    expect(text).not.toContain('on fire');
    const logged = api.log.find((entry) => entry.level === 'error');
    expect(logged).toMatchObject({
      bindings: { component: 'http' },
      obj: { err: fault, route: '/v1/messages/:messageId' },
    });
  });

  it('should answer 503 SERVICE_CLOSED once the service is closed', async () => {
    const closing = await startApi();
    await closing.service.close();

    const answer = await getJson(`${closing.url}/v1/messages/any`);
    await closing.close();

    expect(answer).toEqual({
      status: 503,
      body: {
        error: { code: 'SERVICE_CLOSED', message: 'the delivery tracking service is closed' },
      },
    });
  });
});

describe('createHttpServer', () => {
  it('should refuse a time zone offset that is not whole minutes within 18 hours', () => {
    const service = new DeliveryTrackingService();
    const create = () =>
      createHttpServer({
        service,
        logger: recordingLogger(),
        receipts: { timeZoneOffsetMinutes: 20 * 60 },
      });

    expect(create).toThrow('receipts.timeZoneOffsetMinutes: expected at most 1080 (18 hours)');
    return service.close();
  });
});
