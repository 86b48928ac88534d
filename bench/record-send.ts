import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { openDatabase } from '../src/eventstore/sqlite-database.js';
import { inParallel, median, openService, type Row, sendArgs, tempDir } from './support.js';

/** The raw rate of one-row insert transactions on the same kind of file. */
function rawInsertRate(path: string, name: string, n: number): number {
  const db: Database.Database = openDatabase(join(path, `${name}.db`));
  db.exec(
    'CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT NOT NULL, v TEXT NOT NULL)',
  );
  const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
  const once = db.transaction((i: number) =>
    insert.run(`k-${i}`, JSON.stringify({ i, at: Date.now() })),
  );
  const start = performance.now();
  for (let i = 0; i < n; i++) once.immediate(i);
  const rate = n / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

async function sendRate(path: string, name: string, n: number, callers: number): Promise<number> {
  const service = openService(join(path, `${name}.db`));
  await service.init();
  const start = performance.now();
  await inParallel(n, callers, (i) => service.recordSend(...sendArgs(i)));
  const rate = n / ((performance.now() - start) / 1000);
  await service.close();
  return rate;
}

export async function benchRecordSend(n: number): Promise<Row[]> {
  const dir = tempDir();
  try {
    // One unmeasured round, so that the JIT has compiled the send path. Then
    // raw inserts and one caller's sends take turns, three rounds each, and
    // their medians are compared: the disk's syncs, most of either's time,
    // are fast at one moment and slow at the next.
    await sendRate(dir.path, 'warm-up', Math.min(n, 1_000), 1);
    const round = Math.max(100, Math.round(n / 3));
    const raws: number[] = [];
    const ones: number[] = [];
    for (let i = 0; i < 3; i++) {
      raws.push(rawInsertRate(dir.path, `raw-${i}`, round));
      ones.push(await sendRate(dir.path, `one-${i}`, round, 1));
    }
    const raw = median(raws);
    const one = median(ones);
    const many = await sendRate(dir.path, 'many', n, 64);
    return [
      {
        measure: 'raw better-sqlite3 one-row insert transactions/s',
        value: raw.toFixed(0),
        target: '',
      },
      {
        measure: 'recordSend/s, one caller',
        value: `${one.toFixed(0)} (${((one / raw) * 100).toFixed(0)}% of raw)`,
        target: '>= 30% of raw',
        met: one >= 0.3 * raw,
      },
      {
        measure: 'recordSend/s, 64 callers',
        value: `${many.toFixed(0)} (${((many / raw) * 100).toFixed(0)}% of raw)`,
        target: '>= 60% of raw',
        met: many >= 0.6 * raw,
      },
    ];
  } finally {
    dir.dispose();
  }
}
