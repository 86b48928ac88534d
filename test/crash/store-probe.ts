import Database from 'better-sqlite3';

/**
 * A read-only look into a ledger's SQLite file from outside the service, as a second process
 * would have: it reads while another process writes, and never takes part in the writing.
 */
export class StoreProbe {
  readonly #db: Database.Database;

  constructor(filename: string) {
    this.#db = new Database(filename, { readonly: true, fileMustExist: true });
  }

  /** The events in the log, or those of one type. */
  countEvents(type?: string): number {
    const sql = 'SELECT count(*) FROM events';
    return type === undefined
      ? (this.#db.prepare(sql).pluck().get() as number)
      : (this.#db.prepare(`${sql} WHERE type = ?`).pluck().get(type) as number);
  }

  /** The position of the last event, 0 for an empty log. */
  headPosition(): number {
    return (this.#db.prepare('SELECT max(position) FROM events').pluck().get() as number) ?? 0;
  }

  /** The generation of the records projection that serves reads. */
  liveGeneration(): number {
    if (!this.hasTable('projection_generations')) return 1;
    const row = this.#db
      .prepare(`SELECT live FROM projection_generations WHERE name = 'records'`)
      .pluck()
      .get() as number | undefined;
    return row ?? 1;
  }

  /** The position a generation of the records projection has applied, null before any. */
  checkpointOf(generation: number): number | null {
    if (!this.hasTable('projection_checkpoints')) return null;
    const text = this.#db
      .prepare('SELECT commit_position FROM projection_checkpoints WHERE name = ?')
      .pluck()
      .get(`records_g${generation}`) as string | undefined;
    return text === undefined ? null : Number(text);
  }

  /** The rows of a generation of the records projection, null when it has no table. */
  countRecords(generation: number): number | null {
    const table = `records_g${generation}`;
    if (!this.hasTable(table)) return null;
    return this.#db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  }

  /** The tables whose names start with `prefix`, in order. */
  tablesStartingWith(prefix: string): string[] {
    return this.#db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND substr(name, 1, ?) = ?`)
      .pluck()
      .all(prefix.length, prefix)
      .map(String)
      .sort();
  }

  hasTable(name: string): boolean {
    return (
      this.#db
        .prepare(`SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`)
        .pluck()
        .get(name) === 1
    );
  }

  close(): void {
    this.#db.close();
  }
}

/**
 * What a probe opened now reads, closed again at once. After a kill, a connection left open
 * through it may miss the last transaction the killed process wrote but never heard committed:
 * SQLite finds it only when it rebuilds the WAL index, which the first connection to open the
 * file when no other has it open does. Count what the kill left with this, with nothing else open.
 */
export function probeOnce<T>(filename: string, read: (probe: StoreProbe) => T): T {
  const probe = new StoreProbe(filename);
  try {
    return read(probe);
  } finally {
    probe.close();
  }
}
