import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

/**
 * Opens a SQLite database the way delivery-ledger uses it: WAL, so readers
 * never wait for the writer and the file survives a killed process; a busy
 * timeout, so two processes on one file take turns instead of failing.
 */
export function openDatabase(
  filename: string,
  options: { synchronous?: 'full' | 'normal' | undefined } = {},
): Database.Database {
  if (filename !== ':memory:' && filename !== '') {
    mkdirSync(dirname(filename), { recursive: true });
  }
  const db = new Database(filename, { timeout: 5000 });
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous === 'normal' ? 'NORMAL' : 'FULL'}`);
  db.pragma('foreign_keys = ON');
  // 64 MiB of page cache: the recent part of the log and the projection stay in memory.
  db.pragma('cache_size = -65536');
  return db;
}
