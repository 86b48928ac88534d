import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { EventLog, StoredEvent } from './event-log.js';
import { serverFilter } from './filter.js';
import { type ReadReq, ReadResp, readEvent, send, streamName } from './protocol.js';

type Options = NonNullable<ReturnType<ReadReq['getOptions']>>;
type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/**
 * A catch-up subscription (`Streams.Read` with the subscription option), as a
 * 23.10+ server runs it: a confirmation, the past events, `CaughtUp`, then
 * live events until the client cancels. Filtered `$all` subscriptions also
 * send a checkpoint each time they have considered `checkpointInterval` events.
 *
 * Where the real server differs: it drops a subscription whose client reads
 * too slowly (its buffer holds 32 messages) and it may send `FellBehind` when
 * live delivery falls back to catch-up; this server waits for the client instead.
 * Its checkpoints count considered events per read page of the search window
 * and carry the page's last matching event (or where the page began); this
 * server carries the last record it considered.
 */
export async function subscription(log: EventLog, options: Options, call: ReadCall) {
  const stop = new AbortController();
  call.on('cancelled', () => stop.abort());
  call.on('close', () => stop.abort());

  const confirmation = new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID());
  await send(call, new ReadResp().setConfirmation(confirmation));

  const structuredIds = options.getUuidOption()?.hasStructured() ?? false;
  const filter = serverFilter(options);
  const source = options.hasAll() ? allSource(log, options) : streamSource(log, options);
  let next = source.start;
  let considered = 0;
  let caughtUp = false;

  while (!stop.signal.aborted) {
    const records = source.records();
    while (next < records.length && !stop.signal.aborted) {
      const event = records[next++]!;
      if (source.visible(event) && filter.matches(event)) {
        await send(call, readEvent(event, structuredIds));
      }
      considered++;
      if (filter.checkpointInterval > 0 && considered >= filter.checkpointInterval) {
        considered = 0;
        await send(call, checkpoint(event));
      }
    }
    if (!caughtUp && !stop.signal.aborted) {
      caughtUp = true;
      await send(call, new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    }
    if (next >= source.records().length) await log.nextAppend(stop.signal);
  }
}

interface Source {
  readonly start: number;
  records(): readonly StoredEvent[];
  visible(event: StoredEvent): boolean;
}

/**
 * `$all` from a position: like the server, which reads the one record at or
 * after that position and starts after it, the start is exclusive, and a
 * position between records skips the record that follows it.
 */
function allSource(log: EventLog, options: Options): Source {
  const all = options.getAll()!;
  const position = all.getPosition();
  let start = 0;
  if (all.hasEnd()) start = log.records.length;
  if (position) {
    const at = log.indexAtOrAfter({
      commit: BigInt(position.getCommitPosition()),
      prepare: BigInt(position.getPreparePosition()),
    });
    start = Math.min(at + 1, log.records.length);
  }
  return { start, records: () => log.records, visible: () => true };
}

/** One stream from a revision (exclusive), skipping what its `$tb` truncates. */
function streamSource(log: EventLog, options: Options): Source {
  const stream = options.getStream()!;
  const name = streamName(stream.getStreamIdentifier());
  let start = 0;
  if (stream.hasEnd()) start = log.stream(name).length;
  if (stream.hasRevision()) start = Number(BigInt(stream.getRevision())) + 1;
  return {
    start,
    records: () => log.stream(name),
    visible: (event) => event.revision >= log.truncateBefore(name),
  };
}

function checkpoint(event: StoredEvent): ReadResp {
  const point = new ReadResp.Checkpoint()
    .setCommitPosition(event.position.commit.toString())
    .setPreparePosition(event.position.prepare.toString());
  return new ReadResp().setCheckpoint(point);
}
