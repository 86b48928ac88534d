import { join } from 'node:path';
import { inParallel, median, openService, type Row, sendArgs, T0, tempDir } from './support.js';

/** Checks per second over `tracked` messages, all due, with an instant provider. */
async function checkRate(tracked: number): Promise<{ rate: number; perCheckUs: number }> {
  const dir = tempDir();
  let now = T0;
  const service = openService(join(dir.path, 'checks.db'), {
    polling: { batchSize: 1000, concurrency: 64 },
    now: () => now,
  });
  try {
    await inParallel(tracked, 64, (i) => service.recordSend(...sendArgs(i)));
    now += 60_000;
    const start = performance.now();
    let checked = 0;
    for (;;) {
      const run = await service.runOnce();
      if (run.checked === 0) break;
      checked += run.checked;
    }
    const seconds = (performance.now() - start) / 1000;
    if (checked !== tracked) throw new Error(`checked ${checked} of ${tracked} messages`);
    return { rate: checked / seconds, perCheckUs: (seconds * 1e6) / checked };
  } finally {
    await service.close();
    dir.dispose();
  }
}

export async function benchRunOnce(small: number, large: number): Promise<Row[]> {
  // One unmeasured round first, so that the figures are of the check path as
  // the JIT compiles it, not of its first thousand calls in the interpreter.
  await checkRate(Math.min(small, 2_000));
  // The median of three at the smaller size: one round takes about a second,
  // short enough for a passing stall of the machine to move it.
  const rounds = [await checkRate(small), await checkRate(small), await checkRate(small)];
  const middle = median(rounds.map((round) => round.perCheckUs));
  const a = rounds.find((round) => round.perCheckUs === middle)!;
  const b = await checkRate(large);
  const ratio = b.perCheckUs / a.perCheckUs;
  return [
    {
      measure: `runOnce checks/s, ${small} tracked`,
      value: `${a.rate.toFixed(0)} (${a.perCheckUs.toFixed(0)} us/check)`,
      target: '>= 10000',
      met: a.rate >= 10_000,
    },
    {
      measure: `runOnce checks/s, ${large} tracked`,
      value: `${b.rate.toFixed(0)} (${b.perCheckUs.toFixed(0)} us/check)`,
      target: '>= 10000',
      met: b.rate >= 10_000,
    },
    {
      measure: `per-check cost, ${large} vs ${small}`,
      value: `${ratio.toFixed(2)}x`,
      target: '<= 1.5x',
      met: ratio <= 1.5,
    },
  ];
}
