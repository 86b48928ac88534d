import { randomUUID } from 'node:crypto';

/**
 * The test server's storage: one ordered log of records, as EventStoreDB's
 * transaction file, with streams as views of it. It outlives the gRPC server
 * so that a stopped and restarted server still has its data.
 */

/** A place in the log; `commit` then `prepare` order the records. */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export interface ProposedEvent {
  readonly id: string;
  readonly type: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

export interface StoredEvent extends ProposedEvent {
  readonly streamId: string;
  readonly revision: bigint;
  readonly position: LogPosition;
  /** .NET ticks (100 ns) since the Unix epoch, as the server reports `created`. */
  readonly created: bigint;
}

/** What the appender expects of the stream. */
export type Expected =
  | { readonly kind: 'any' }
  | { readonly kind: 'no_stream' }
  | { readonly kind: 'stream_exists' }
  | { readonly kind: 'revision'; readonly revision: bigint };

export type AppendOutcome =
  | { readonly kind: 'written'; readonly lastRevision: bigint; readonly position: LogPosition }
  /** `current` is the stream's last revision, `-1n` when it has none. */
  | { readonly kind: 'wrong_expected_version'; readonly current: bigint };

export interface EventLogOptions {
  /** Log position of the first record. @defaultValue 0n */
  readonly firstPosition?: bigint;
  /**
   * How far each record's prepare position lies behind its commit position.
   * A modern server writes both equal; events written in a transaction by an
   * older client had a prepare position before their commit.
   * @defaultValue 0n
   */
  readonly prepareLag?: bigint;
}

/** The `$tb` a soft delete writes: the largest Int64, "everything is truncated". */
export const DELETED_STREAM_TB = 9223372036854775807n;

const RECORD_OVERHEAD = 80n;
const TICKS_PER_MS = 10_000n;

export class EventLog {
  readonly records: StoredEvent[] = [];
  readonly #streams = new Map<string, StoredEvent[]>();
  readonly #listeners = new Set<() => void>();
  readonly #prepareLag: bigint;
  #nextPosition: bigint;

  constructor(options: EventLogOptions = {}) {
    this.#prepareLag = options.prepareLag ?? 0n;
    this.#nextPosition = (options.firstPosition ?? 0n) + this.#prepareLag;

    // A real node writes system records when it starts; readers must skip them.
    this.#write('$settings', [systemEvent('$settings', { $userStreamAcl: {} })]);
    this.#write('$$$stats-127.0.0.1:2113', [systemEvent('$metadata', { $maxAge: 86400 })]);
  }

  /** The events of a stream by revision, including truncated ones. */
  stream(streamId: string): readonly StoredEvent[] {
    return this.#streams.get(streamId) ?? [];
  }

  /** Revisions below this are hidden from stream reads (soft delete, `$tb`). */
  truncateBefore(streamId: string): bigint {
    const meta = this.stream(`$$${streamId}`).at(-1);
    if (!meta) return 0n;
    const text = Buffer.from(meta.data).toString('utf8');
    // `$tb` can be the largest Int64, which JSON.parse would round.
    const match = /"\$tb"\s*:\s*(\d+)/.exec(text);
    return match ? BigInt(match[1]!) : 0n;
  }

  isSoftDeleted(streamId: string): boolean {
    return this.truncateBefore(streamId) === DELETED_STREAM_TB;
  }

  /** Index in `records` of the first record at or after `position`. */
  indexAtOrAfter(position: LogPosition): number {
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compare(this.records[middle]!.position, position) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  append(streamId: string, expected: Expected, events: readonly ProposedEvent[]): AppendOutcome {
    const stream = this.stream(streamId);
    const current = BigInt(stream.length) - 1n;
    const deleted = this.isSoftDeleted(streamId);

    const replayed = this.#sameEvents(stream, expected, events);
    if (replayed) return replayed;

    if (!expectationHolds(expected, current, deleted)) {
      return { kind: 'wrong_expected_version', current };
    }
    if (events.length === 0) {
      return { kind: 'written', lastRevision: current, position: this.#lastPosition(stream) };
    }

    if (deleted) {
      // Appending to a soft-deleted stream recreates it after its old events.
      // TODO: check against a real node that `$tb` becomes the first new revision.
      this.#writeMetadata(streamId, current + 1n);
    }
    const written = this.#write(streamId, events);
    const last = written[written.length - 1]!;
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }

  /** A soft delete: the stream's metadata gets `$tb` = the largest Int64. */
  softDelete(streamId: string, expected: Expected): AppendOutcome {
    const stream = this.stream(streamId);
    const current = BigInt(stream.length) - 1n;
    // A real node answers WrongExpectedVersion when asked to delete a stream that never was.
    if (current < 0n || !expectationHolds(expected, current, false)) {
      return { kind: 'wrong_expected_version', current };
    }
    const meta = this.#writeMetadata(streamId, DELETED_STREAM_TB);
    return { kind: 'written', lastRevision: current, position: meta.position };
  }

  /** Resolves at the next append, or when `signal` aborts. */
  nextAppend(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.#listeners.delete(done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      this.#listeners.add(done);
      signal.addEventListener('abort', done);
    });
  }

  #writeMetadata(streamId: string, truncateBefore: bigint): StoredEvent {
    const json = `{"$tb":${truncateBefore}}`;
    const event = { ...systemEvent('$metadata', {}), data: Buffer.from(json) };
    return this.#write(`$$${streamId}`, [event])[0]!;
  }

  #write(streamId: string, events: readonly ProposedEvent[]): StoredEvent[] {
    const stream = this.#streams.get(streamId) ?? [];
    const created = BigInt(Date.now()) * TICKS_PER_MS;
    const written = events.map((event, index) => {
      const commit = this.#nextPosition;
      const size = BigInt(event.data.length + event.metadata.length + streamId.length);
      this.#nextPosition += RECORD_OVERHEAD + size;
      const position = { commit, prepare: commit - this.#prepareLag };
      const revision = BigInt(stream.length + index);
      return { ...event, streamId, revision, position, created };
    });
    stream.push(...written);
    this.#streams.set(streamId, stream);
    this.records.push(...written);

    const listeners = [...this.#listeners];
    for (const listener of listeners) listener();
    return written;
  }

  #lastPosition(stream: readonly StoredEvent[]): LogPosition {
    return stream.at(-1)?.position ?? { commit: 0n, prepare: 0n };
  }

  /**
   * The idempotency check: the very same event ids already stand where the
   * append would put them. For `any` and `stream_exists` the server looks the
   * first id up in the stream, as it does in its (bounded) cache of recent ids.
   */
  #sameEvents(
    stream: readonly StoredEvent[],
    expected: Expected,
    events: readonly ProposedEvent[],
  ): AppendOutcome | undefined {
    if (events.length === 0) return undefined;
    let start: number;
    if (expected.kind === 'no_stream') start = 0;
    else if (expected.kind === 'revision') start = Number(expected.revision) + 1;
    else start = stream.findIndex((event) => event.id === events[0]!.id);
    if (start < 0) return undefined;

    const found = stream.slice(start, start + events.length);
    if (found.length !== events.length) return undefined;
    if (found.some((event, index) => event.id !== events[index]!.id)) return undefined;
    const last = found[found.length - 1]!;
    return { kind: 'written', lastRevision: last.revision, position: last.position };
  }
}

export function compare(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

function expectationHolds(expected: Expected, current: bigint, softDeleted: boolean): boolean {
  switch (expected.kind) {
    case 'any':
      return true;
    case 'no_stream':
      // TODO: a real node may also refuse `no_stream` for a soft-deleted stream.
      return current < 0n || softDeleted;
    case 'stream_exists':
      return current >= 0n && !softDeleted;
    case 'revision':
      return current === expected.revision;
  }
}

function systemEvent(type: string, data: object): ProposedEvent {
  return {
    id: randomUUID(),
    type,
    contentType: 'application/json',
    data: Buffer.from(JSON.stringify(data)),
    metadata: new Uint8Array(),
  };
}
