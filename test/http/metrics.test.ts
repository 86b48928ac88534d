import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/http/index.js';
import { BoundedLabel } from '../../src/metrics/index.js';
import { fail, ok } from '../../src/service/result.js';
import type { DeliveryStatusQuery, Provider } from '../../src/service/types.js';
import { recordSends, reportSmpp } from './seed.js';
import { startApi, type TestApi } from './support.js';

/** A provider that says every message was delivered. */
const deliveringProvider: Provider = {
  id: 'solapi',
  async getDeliveryStatus(query: DeliveryStatusQuery) {
    return ok({
      providerId: 'solapi',
      providerMessageId: query.providerMessageId,
      status: 'DELIVERED' as const,
    });
  },
};

/** A provider whose every answer is a timeout. */
const timingOutProvider: Provider = {
  id: 'flaky',
  async getDeliveryStatus() {
    return fail({ code: 'NETWORK_TIMEOUT', message: 'no answer in 10 s' });
  },
};

/** The samples of a text exposition, by series (`name{labels}`). */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

describe('GET /metrics', () => {
  const clock = { now: Date.parse('2026-11-30T10:00:00.000Z') };
  const metrics = createMetrics();
  let api: TestApi;
  let samples: Map<string, number>;
  let contentType: string | null;

  beforeAll(async () => {
    api = await startApi(
      { metrics: metrics.registry },
      {
        telemetry: metrics.telemetry,
        providers: [deliveringProvider, timingOutProvider],
        now: () => clock.now,
      },
    );
    await recordSends(api, [
      { messageId: 'polled', requestedAt: '2026-11-30T10:00:00Z', providerId: 'solapi' },
      { messageId: 'timed-out', requestedAt: '2026-11-30T10:00:00Z', providerId: 'flaky' },
      { messageId: 'pushed', requestedAt: '2026-11-30T10:00:00Z', providerId: 'smpp' },
    ]);

    // Past the first check's delay: one poll asks both providers, and waits for smpp's receipt.
    clock.now += api.service.polling.initialDelayMs;
    const run = await api.service.runOnce();
    expect(run).toMatchObject({ checked: 3 });

    await reportSmpp(api, [
      { messageId: 'pushed', stat: 'DELIVRD' },
      { messageId: 'never-sent', stat: 'DELIVRD' },
    ]);

    const response = await fetch(`${api.url}/metrics`);
    expect(response.status).toBe(200);
    contentType = response.headers.get('content-type');
    samples = samplesOf(await response.text());
  });
  afterAll(() => api.close());

  it("should answer in Prometheus' text format", () => {
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it('should count the checks of a poll by result, and failed ones by error code', () => {
    expect(samples.get('delivery_ledger_checks_total{result="status"}')).toBe(1);
    expect(samples.get('delivery_ledger_checks_total{result="error"}')).toBe(1);
    expect(samples.get('delivery_ledger_checks_total{result="deferred"}')).toBe(1);
    expect(samples.get('delivery_ledger_check_errors_total{code="NETWORK_TIMEOUT"}')).toBe(1);
  });

  it('should count the receipts by format and outcome', () => {
    expect(samples.get('delivery_ledger_receipts_total{format="smpp",outcome="applied"}')).toBe(1);
    expect(samples.get('delivery_ledger_receipts_total{format="smpp",outcome="pending"}')).toBe(1);
  });

  it('should count status changes by the new status, from zero', () => {
    expect(samples.get('delivery_ledger_status_changes_total{status="SENT"}')).toBe(3);
    expect(samples.get('delivery_ledger_status_changes_total{status="DELIVERED"}')).toBe(2);
    expect(samples.get('delivery_ledger_status_changes_total{status="CANCELLED"}')).toBe(0);
  });

  it('should time the appends, and tell the projection lag', () => {
    // Three sends, two checks, one receipt applied: at least six appends.
    expect(samples.get('delivery_ledger_append_seconds_count')).toBeGreaterThanOrEqual(6);
    expect(samples.get('delivery_ledger_append_seconds_bucket{le="+Inf"}')).toBe(
      samples.get('delivery_ledger_append_seconds_count'),
    );
    expect(samples.get('delivery_ledger_projection_lag_seconds')).toBeGreaterThanOrEqual(0);
  });

  it("should include Node's process metrics", () => {
    expect(samples.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(samples.get('nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
  });

  it('should answer 404 on a server given no registry', async () => {
    const bare = await startApi();
    try {
      const response = await fetch(`${bare.url}/metrics`);

      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({
        error: { code: 'NOT_FOUND', message: 'no route for GET /metrics' },
      });
    } finally {
      await bare.close();
    }
  });
});

describe('BoundedLabel', () => {
  it('should keep the first values, and call every later one other', () => {
    const label = new BoundedLabel(2);

    const values = ['E1', 'E2', 'E1', 'E3', 'E2', 'E4'].map((code) => label.of(code));

    expect(values).toEqual(['E1', 'E2', 'E1', 'other', 'E2', 'other']);
  });
});
