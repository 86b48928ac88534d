import { join } from 'node:path';
import Database from 'better-sqlite3';
import { inParallel, median, openService, type Row, sendArgs, T0, tempDir } from './support.js';

/** Rebuild rate beside the raw rate of reading and JSON-parsing the same rows. */
/** Reads every event row and parses its JSON, as plainly as better-sqlite3 allows. */
function readAndParse(filename: string): { rows: number; seconds: number } {
  const db = new Database(filename, { readonly: true });
  const read = db.prepare('SELECT * FROM events WHERE position > ? ORDER BY position LIMIT 1000');
  const start = performance.now();
  let rows = 0;
  for (let after = 0; ; ) {
    const page = read.all(after) as Array<{ position: number; data: string; metadata: string }>;
    if (page.length === 0) break;
    for (const row of page) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
    }
    rows += page.length;
    after = page[page.length - 1]!.position;
  }
  const seconds = (performance.now() - start) / 1000;
  db.close();
  return { rows, seconds };
}

export async function benchRebuild(messages: number): Promise<Row[]> {
  const dir = tempDir();
  const filename = join(dir.path, 'rebuild.db');
  let now = T0;
  const service = openService(filename, {
    polling: { batchSize: 1000, concurrency: 64 },
    now: () => now,
  });
  try {
    await inParallel(messages, 64, (i) => service.recordSend(...sendArgs(i)));
    now += 60_000;
    while ((await service.runOnce()).checked > 0) {}

    // Raw reads and rebuilds take turns, three rounds, and the medians are
    // compared: one round is well under a second, short enough for a passing
    // stall of the machine to move either figure.
    const raws: number[] = [];
    const rates: number[] = [];
    let rows = 0;
    for (let round = 0; round < 3; round++) {
      const read = readAndParse(filename);
      rows = read.rows;
      raws.push(read.rows / read.seconds);
      const start = performance.now();
      const result = await service.rebuildProjections();
      rates.push(result.applied / ((performance.now() - start) / 1000));
    }
    const raw = median(raws);
    const rate = median(rates);
    return [
      { measure: `raw read + JSON.parse of ${rows} events/s`, value: raw.toFixed(0), target: '' },
      {
        measure: 'rebuildProjections events/s',
        value: `${rate.toFixed(0)} (${((rate / raw) * 100).toFixed(0)}% of raw)`,
        target: '>= 40% of raw',
        met: rate >= 0.4 * raw,
      },
    ];
  } finally {
    await service.close();
    dir.dispose();
  }
}
