import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inParallel, openService, type Row, sendArgs, tempDir } from './support.js';

/** Child process: resident memory before and after tracking `n` unfinished messages. */
async function measure(n: number): Promise<void> {
  const dir = tempDir();
  const service = openService(join(dir.path, 'memory.db'));
  await service.init();
  const settle = () => {
    for (let i = 0; i < 3; i++) globalThis.gc?.();
    return process.memoryUsage().rss;
  };
  const before = settle();
  await inParallel(n, 64, (i) => service.recordSend(...sendArgs(i)));
  const after = settle();
  await service.close();
  dir.dispose();
  process.stdout.write(JSON.stringify({ before, after }));
}

export async function benchMemory(n: number): Promise<Row[]> {
  const out = execFileSync(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), String(n)],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const { before, after } = JSON.parse(out) as { before: number; after: number };
  const perMessage = (after - before) / n;
  return [
    {
      measure: `resident memory, ${n} tracked unfinished messages`,
      value: `${(perMessage / 1024).toFixed(2)} KB/message (${((after - before) / 2 ** 20).toFixed(1)} MiB)`,
      target: '< 2 KB/message',
      met: perMessage < 2048,
    },
  ];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await measure(Number(process.argv[2]));
}
