import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createHttpServer } from '../src/http/index.js';
import type { DeliveryTrackingService } from '../src/index.js';
import { silentLogger } from '../src/logger.js';
import { inParallel, openService, type Row, sendArgs, tempDir } from './support.js';

/*
 * Receipt ingest over HTTP: SMPP receipts for recorded sends, one a request, POSTed by
 * autocannon on loopback to a server over a SQLite file.
 */

/** The part of autocannon's options this benchmark uses. */
interface CannonOptions {
  url: string;
  connections: number;
  amount: number;
  timeout: number;
  requests: {
    method: 'POST';
    path: string;
    headers: Record<string, string>;
    setupRequest: (request: Record<string, unknown>) => Record<string, unknown>;
    onResponse: () => void;
  }[];
}

/** The part of autocannon's result this benchmark reads; times in ms. */
interface CannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  latency: { p50: number; p99: number };
}

/** A running autocannon: it can be stopped early, and awaited for its result. */
type CannonRun = PromiseLike<CannonResult> & { stop(): void };

// autocannon ships no types; it is loaded as the CommonJS module it is.
const autocannon = createRequire(import.meta.url)('autocannon') as (o: CannonOptions) => CannonRun;

const CONNECTIONS = 32;
const PROVIDER_ID = 'bench';

/** The receipt that says send `i` (see `sendArgs`) was delivered. */
function receiptLine(i: number): string {
  return (
    `id:pm-${i} sub:001 dlvrd:001 submit date:2612011000 done date:2612011001 ` +
    'stat:DELIVRD err:000 text:none'
  );
}

/**
 * POSTs one receipt a request for sends `from` to `from + count - 1`, `CONNECTIONS` at a time,
 * and stops by itself after `count` requests (or, should the server hang, after `maxMs`).
 * `seconds` runs from the first request to the last response: autocannon's own duration, and
 * the moment its promise settles, go by the ticks of its one-second sampler.
 */
async function cannonade(
  url: string,
  from: number,
  count: number,
): Promise<CannonResult & { seconds: number }> {
  let next = from;
  let first = 0;
  let last = 0;
  const run = autocannon({
    url,
    connections: CONNECTIONS,
    amount: count,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: `/v1/receipts/smpp?provider=${PROVIDER_ID}`,
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => {
          if (next === from) first = performance.now();
          return { ...request, body: receiptLine(next++) };
        },
        onResponse: () => {
          last = performance.now();
        },
      },
    ],
  });
  const maxMs = 60_000 + count * 10;
  const guard = setTimeout(() => run.stop(), maxMs);
  try {
    const result = await run;
    return { ...result, seconds: (last - first) / 1000 };
  } finally {
    clearTimeout(guard);
  }
}

async function recordSends(service: DeliveryTrackingService, count: number): Promise<void> {
  await inParallel(count, 64, (i) => service.recordSend(...sendArgs(i)));
}

/**
 * Receipts per second and p99 latency of `POST /v1/receipts/smpp` on 127.0.0.1, one receipt a
 * request, for `requests` receipts of recorded sends (after a warm-up on others).
 */
export async function benchIngest(requests: number): Promise<Row[]> {
  const dir = tempDir();
  const service = openService(join(dir.path, 'ingest.db'));
  const app = createHttpServer({ service, logger: silentLogger });
  try {
    const warmUp = Math.min(500, Math.ceil(requests / 10));
    const sends = warmUp + requests;
    await recordSends(service, sends);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });

    await cannonade(url, 0, warmUp);
    const result = await cannonade(url, warmUp, requests);
    const seconds = result.seconds;

    const delivered = await service.countRecords({ status: 'DELIVERED' });
    const answered = result['2xx'];
    const rate = answered / seconds;
    const failed = result.errors + result.timeouts + result.non2xx;
    return [
      {
        measure: `receipts/s over HTTP (smpp, one a request, ${CONNECTIONS} connections)`,
        value: `${rate.toFixed(0)} (${answered} in ${seconds.toFixed(2)} s)`,
        target: '',
      },
      {
        measure: 'receipt request latency over HTTP',
        value: `p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms`,
        target: '',
      },
      {
        measure: 'receipts answered 200 and applied',
        value: `${answered} answered, ${failed} failed, ${delivered} of ${sends} delivered`,
        target: 'every one',
        met: failed === 0 && delivered === sends,
      },
    ];
  } finally {
    await app.close();
    await service.close();
    dir.dispose();
  }
}
