/**
 * The protocol the test server speaks: the message classes and service
 * definitions that `@eventstore/db-client` ships (generated from the
 * server's .proto files), and the conversions between them and the log.
 * Importing the client's own copies keeps both ends on one wire format.
 */

import codePb, { type Code } from '@eventstore/db-client/generated/code_pb.js';
import serverFeaturesGrpc from '@eventstore/db-client/generated/serverfeatures_grpc_pb.js';
import serverFeaturesPb from '@eventstore/db-client/generated/serverfeatures_pb.js';
import sharedPb from '@eventstore/db-client/generated/shared_pb.js';
import statusPb from '@eventstore/db-client/generated/status_pb.js';
import streamsGrpc from '@eventstore/db-client/generated/streams_grpc_pb.js';
import streamsPb from '@eventstore/db-client/generated/streams_pb.js';
import { Metadata, status } from '@grpc/grpc-js';
import anyPb from 'google-protobuf/google/protobuf/any_pb.js';
import emptyPb from 'google-protobuf/google/protobuf/empty_pb.js';
import type { Expected, LogPosition, StoredEvent } from './event-log.js';

export const { StreamsService } = streamsGrpc;
export const { ServerFeaturesService } = serverFeaturesGrpc;
export const { SupportedMethod, SupportedMethods } = serverFeaturesPb;
export const { ReadReq, ReadResp, AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } =
  streamsPb;
export const { DeleteReq, DeleteResp } = streamsPb;
export const { Timeout, MaximumAppendSizeExceeded } = sharedPb;
export const { Code: StatusCode } = codePb;
export type ReadReq = InstanceType<typeof ReadReq>;
export type ReadResp = InstanceType<typeof ReadResp>;
export type AppendReq = InstanceType<typeof AppendReq>;
export type AppendResp = InstanceType<typeof AppendResp>;
export type BatchAppendReq = InstanceType<typeof BatchAppendReq>;
export type BatchAppendResp = InstanceType<typeof BatchAppendResp>;
export type DeleteReq = InstanceType<typeof DeleteReq>;
export type DeleteResp = InstanceType<typeof DeleteResp>;
export type ProposedMessage =
  | InstanceType<typeof streamsPb.AppendReq.ProposedMessage>
  | InstanceType<typeof streamsPb.BatchAppendReq.ProposedMessage>;
type Uuid = InstanceType<typeof sharedPb.UUID>;
type StreamIdentifier = InstanceType<typeof sharedPb.StreamIdentifier>;

export function streamName(identifier: StreamIdentifier | undefined): string {
  return identifier ? Buffer.from(identifier.getStreamName_asU8()).toString('utf8') : '';
}

export function streamIdentifier(name: string): StreamIdentifier {
  return new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

/** The client sends ids as strings; the structured form is two signed 64-bit halves. */
export function parseUuid(uuid: Uuid | undefined): string {
  if (!uuid) return '';
  if (uuid.hasString()) return uuid.getString().toLowerCase();
  const structured = uuid.getStructured()!;
  const bytes = Buffer.alloc(16);
  bytes.writeBigInt64BE(BigInt(structured.getMostSignificantBits()), 0);
  bytes.writeBigInt64BE(BigInt(structured.getLeastSignificantBits()), 8);
  const hex = bytes.toString('hex');
  const groups = [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20)];
  return [...groups, hex.slice(20)].join('-');
}

export function formatUuid(id: string, structured: boolean): Uuid {
  const uuid = new sharedPb.UUID();
  if (!structured) return uuid.setString(id);
  const bytes = Buffer.from(id.replaceAll('-', ''), 'hex');
  const halves = new sharedPb.UUID.Structured()
    .setMostSignificantBits(bytes.readBigInt64BE(0).toString())
    .setLeastSignificantBits(bytes.readBigInt64BE(8).toString());
  return uuid.setStructured(halves);
}

/** One event as a read or a subscription hands it over. */
export function readEvent(event: StoredEvent, structuredIds: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(formatUuid(event.id, structuredIds))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    .setCommitPosition(event.position.commit.toString())
    .setPreparePosition(event.position.prepare.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.type)
    .set('content-type', event.contentType)
    .set('created', event.created.toString());
  const read = new ReadResp.ReadEvent()
    .setEvent(recorded)
    .setCommitPosition(event.position.commit.toString());
  return new ReadResp().setEvent(read);
}

/** The expected-revision choice that Append, BatchAppend and Delete options share. */
export interface ExpectedChoice {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}

export function expectedOf(options: ExpectedChoice, revision: () => string): Expected {
  if (options.hasNoStream()) return { kind: 'no_stream' };
  if (options.hasStreamExists()) return { kind: 'stream_exists' };
  if (options.hasAny()) return { kind: 'any' };
  return { kind: 'revision', revision: BigInt(revision()) };
}

/** The position a success answer carries (AppendResp and BatchAppendResp share the shape). */
export function allStreamPosition(position: LogPosition) {
  return new sharedPb.AllStreamPosition()
    .setCommitPosition(position.commit.toString())
    .setPreparePosition(position.prepare.toString());
}

/**
 * The details a BatchAppend error carries for a wrong expected version, as
 * the server's `Status.WrongExpectedVersion` packs them (code ALREADY_EXISTS).
 */
export function wrongExpectedVersionStatus(expected: Expected, current: bigint) {
  const details = new sharedPb.WrongExpectedVersion();
  if (current < 0n) details.setCurrentNoStream(new emptyPb.Empty());
  else details.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'revision') details.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') details.setExpectedNoStream(new emptyPb.Empty());
  else if (expected.kind === 'stream_exists') details.setExpectedStreamExists(new emptyPb.Empty());
  else details.setExpectedAny(new emptyPb.Empty());

  return failureStatus(codePb.Code.ALREADY_EXISTS, 'WrongExpectedVersion', details);
}

/** A `google.rpc.Status` whose details pack one of the client's error messages. */
export function failureStatus(
  code: Code,
  message: string,
  details: { serializeBinary(): Uint8Array },
) {
  const packed = new anyPb.Any();
  packed.pack(details.serializeBinary(), `event_store.client.${message}`);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(packed);
}

/** The answer Append gives, in the response body, for a wrong expected version. */
export function wrongExpectedVersionAnswer(expected: Expected, current: bigint): AppendResp {
  const wrong = new AppendResp.WrongExpectedVersion();
  if (current < 0n) wrong.setCurrentNoStream(new sharedPb.Empty());
  else wrong.setCurrentRevision(current.toString());
  if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
  else wrong.setExpectedAny(new sharedPb.Empty());
  return new AppendResp().setWrongExpectedVersion(wrong);
}

/** A failed call as the server raises it: a status plus the `exception` trailer. */
export interface RpcError {
  code: status;
  details: string;
  metadata: Metadata;
}

export function rpcError(code: status, details: string, trailers: Record<string, string> = {}) {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata } satisfies RpcError;
}

/** `RpcExceptions.WrongExpectedVersion` (used by Delete): FAILED_PRECONDITION plus trailers. */
export function wrongExpectedVersionError(
  operation: string,
  stream: string,
  expected: Expected,
  current: bigint,
): RpcError {
  const expectedVersion = expectedNumber(expected).toString();
  const actual = current < 0n ? '' : current.toString();
  return rpcError(
    status.FAILED_PRECONDITION,
    `${operation} failed due to WrongExpectedVersion. Stream: ${stream}, ` +
      `Expected version: ${expectedVersion}, Actual version: ${actual}`,
    {
      exception: 'wrong-expected-version',
      'stream-name': stream,
      'expected-version': expectedVersion,
      'actual-version': actual,
    },
  );
}

/** The server's internal numbers for the expected version kinds. */
function expectedNumber(expected: Expected): bigint {
  if (expected.kind === 'revision') return expected.revision;
  return { any: -2n, no_stream: -1n, stream_exists: -4n }[expected.kind];
}

/** Writes one message, waiting while the call's buffer is full (or until it ends). */
export async function send<T>(
  call: NodeJS.EventEmitter & { write(message: T): boolean },
  message: T,
) {
  if (call.write(message)) return;
  await new Promise<void>((resolve) => {
    const done = () => {
      for (const event of ['drain', 'close', 'cancelled']) call.off(event, done);
      resolve();
    };
    for (const event of ['drain', 'close', 'cancelled']) call.once(event, done);
  });
}
