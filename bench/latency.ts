import { join } from 'node:path';
import type { EventStore } from '../src/index.js';
import { SqliteEventStore } from '../src/index.js';
import { openService, percentile, type Row, sendArgs, tempDir } from './support.js';

/** The event store, noting when each append to a stream was acknowledged. */
function timedStore(store: SqliteEventStore, appendedAt: Map<string, number>): EventStore {
  return new Proxy(store, {
    get(target, key) {
      if (key !== 'append') {
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: Parameters<EventStore['append']>) => {
        const result = await target.append(...args);
        appendedAt.set(args[0], performance.now());
        return result;
      };
    },
  });
}

/** Time from recordSend's append to a statusChanges subscriber seeing the change. */
export async function benchLatency(samples: number): Promise<Row[]> {
  const dir = tempDir();
  const appendedAt = new Map<string, number>();
  const store = new SqliteEventStore({ filename: join(dir.path, 'latency.db') });
  const service = openService('', { eventStore: timedStore(store, appendedAt) });
  const seenAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    await service.init();
    const subscription = service.statusChanges().subscribe((change) => {
      seenAt.set(`delivery-${change.messageId}`, performance.now());
    });
    for (let i = 0; i < samples; i++) await service.recordSend(...sendArgs(i));
    subscription.unsubscribe();
    for (const [stream, at] of appendedAt) {
      const seen = seenAt.get(stream);
      // The subscriber may run before the append's caller resumes: that is no wait at all.
      if (seen !== undefined) latencies.push(Math.max(0, seen - at));
    }
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    return [
      {
        measure: `append to statusChanges subscriber, ${latencies.length} changes`,
        value: `p50 ${percentile(latencies, 50).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms`,
        target: 'p99 < 5 ms',
        met: p99 < 5,
      },
    ];
  } finally {
    await service.close();
    dir.dispose();
  }
}
