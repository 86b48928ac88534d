import { benchEventStores } from './event-stores.js';
import { benchIngest } from './ingest.js';
import { benchLatency } from './latency.js';
import { benchMemory } from './memory.js';
import { benchRebuild } from './rebuild.js';
import { benchRecordSend } from './record-send.js';
import { benchRunOnce } from './run-once.js';
import type { Row } from './support.js';

/*
 * npm run bench: delivery-ledger's speed and memory figures, measured in one
 * run on the SQLite store. `BENCH_SCALE=0.1 npm run bench` runs a smaller one.
 */
const scale = Number(process.env.BENCH_SCALE ?? 1);
const n = (count: number) => Math.max(100, Math.round(count * scale));

const sections: Array<[string, () => Promise<Row[]>]> = [
  ['recordSend', () => benchRecordSend(n(10_000))],
  ['runOnce', () => benchRunOnce(n(10_000), n(100_000))],
  ['rebuild', () => benchRebuild(n(20_000))],
  ['latency', () => benchLatency(n(2_000))],
  ['memory', () => benchMemory(n(100_000))],
  ['event stores', () => benchEventStores(n(10_000))],
  ['ingest', () => benchIngest(n(5_000))],
];

const rows: Row[] = [];
for (const [name, run] of sections) {
  process.stderr.write(`bench: ${name}…\n`);
  rows.push(...(await run()));
}

const widths = [
  Math.max(...rows.map((r) => r.measure.length), 7),
  Math.max(...rows.map((r) => r.value.length), 5),
  Math.max(...rows.map((r) => r.target.length), 6),
];
const line = (cells: string[]) =>
  `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 4)).join(' | ')} |`;
console.log(line(['measure', 'value', 'target', 'met']));
console.log(line(widths.map((w) => '-'.repeat(w)).concat('---')));
for (const row of rows) {
  console.log(
    line([row.measure, row.value, row.target, row.met === undefined ? '' : row.met ? 'yes' : 'NO']),
  );
}
console.log(`\nnode ${process.version}, ${process.platform}/${process.arch}, scale ${scale}`);
