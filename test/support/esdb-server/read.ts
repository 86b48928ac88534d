import type { ServerWritableStream } from '@grpc/grpc-js';
import type { EventLog, StoredEvent } from './event-log.js';
import { serverFilter } from './filter.js';
import { ReadReq, ReadResp, readEvent, send, streamName } from './protocol.js';

type Options = NonNullable<ReturnType<ReadReq['getOptions']>>;
type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

const { ReadDirection } = ReadReq.Options;

/**
 * A counted read (`Streams.Read` without the subscription option) of one
 * stream or of `$all`, forwards or backwards, then the end of the call.
 */
export async function countedRead(log: EventLog, options: Options, call: ReadCall) {
  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const count = Number(BigInt(options.getCount()));
  const events = options.hasAll() ? readAll(log, options) : readStream(log, options);

  if (events === 'not_found') {
    const identifier = options.getStream()!.getStreamIdentifier();
    const notFound = new ReadResp.StreamNotFound().setStreamIdentifier(identifier);
    await send(call, new ReadResp().setStreamNotFound(notFound));
    call.end();
    return;
  }

  let sent = 0;
  for (const event of events) {
    if (sent >= count || call.cancelled) break;
    await send(call, readEvent(event, structuredIds));
    sent++;
  }
  call.end();
}

/**
 * A stream read. Soft-deleted streams read as not found; revisions below the
 * stream's `$tb` are skipped. Backwards from a revision includes that revision.
 */
function readStream(log: EventLog, options: Options): Iterable<StoredEvent> | 'not_found' {
  const stream = options.getStream()!;
  const name = streamName(stream.getStreamIdentifier());
  const events = log.stream(name);
  if (events.length === 0 || log.isSoftDeleted(name)) return 'not_found';

  const visible = events.slice(Number(log.truncateBefore(name)));
  const backwards = options.getReadDirection() === ReadDirection.BACKWARDS;
  if (!backwards) {
    if (stream.hasEnd()) return [];
    const from = stream.hasRevision() ? BigInt(stream.getRevision()) : 0n;
    return visible.filter((event) => event.revision >= from);
  }
  const upTo = stream.hasRevision() ? BigInt(stream.getRevision()) : BigInt(events.length);
  return visible.filter((event) => event.revision <= upTo).reverse();
}

/**
 * A read of `$all`, with the filter if any. Forwards from a position includes
 * the event at that position; backwards from it stops before it.
 */
function* readAll(log: EventLog, options: Options): Iterable<StoredEvent> {
  const all = options.getAll()!;
  const filter = serverFilter(options);
  const records = log.records;
  const position = all.getPosition();
  const at = position
    ? log.indexAtOrAfter({
        commit: BigInt(position.getCommitPosition()),
        prepare: BigInt(position.getPreparePosition()),
      })
    : undefined;

  if (options.getReadDirection() === ReadDirection.BACKWARDS) {
    const from = all.hasStart() ? 0 : (at ?? records.length);
    for (let index = from - 1; index >= 0; index--) {
      if (filter.matches(records[index]!)) yield records[index]!;
    }
    return;
  }
  const from = all.hasEnd() ? records.length : (at ?? 0);
  for (let index = from; index < records.length; index++) {
    if (filter.matches(records[index]!)) yield records[index]!;
  }
}
