import { join } from 'node:path';
import { SqliteEventStore } from '../src/index.js';
import { openService, percentile, type Row, sendArgs, tempDir } from './support.js';

/**
 * Time from the commit of recordSend's append to a statusChanges subscriber
 * seeing the change. The commit is timed by a commit hook of the store, added
 * before the service's own, so that its after-commit work runs first.
 */
export async function benchLatency(samples: number): Promise<Row[]> {
  const dir = tempDir();
  const committedAt = new Map<string, number>();
  const store = new SqliteEventStore({ filename: join(dir.path, 'latency.db') });
  store.addCommitHook((appended) => {
    const streams = appended.map((event) => event.streamId);
    return () => {
      const now = performance.now();
      for (const stream of streams) committedAt.set(stream, now);
    };
  });
  const service = openService('', { eventStore: store });
  const seenAt = new Map<string, number>();
  const latencies: number[] = [];
  try {
    await service.init();
    const subscription = service.statusChanges().subscribe((change) => {
      seenAt.set(`delivery-${change.messageId}`, performance.now());
    });
    for (let i = 0; i < samples; i++) await service.recordSend(...sendArgs(i));
    subscription.unsubscribe();
    for (const [stream, at] of committedAt) {
      const seen = seenAt.get(stream);
      if (seen === undefined) throw new Error(`no status change seen for ${stream}`);
      latencies.push(seen - at);
    }
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 99);
    return [
      {
        measure: `append commit to statusChanges subscriber, ${latencies.length} changes`,
        value: `p50 ${percentile(latencies, 50).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms`,
        target: 'p99 < 5 ms',
        met: p99 < 5,
      },
    ];
  } finally {
    await service.close();
    dir.dispose();
  }
}
