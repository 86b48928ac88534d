import {
  type ServerDuplexStream,
  type ServerReadableStream,
  type sendUnaryData,
  status,
} from '@grpc/grpc-js';
import type { EventLog, Expected, ProposedEvent } from './event-log.js';
import {
  type AppendReq,
  AppendResp,
  allStreamPosition,
  type BatchAppendReq,
  BatchAppendResp,
  expectedOf,
  failureStatus,
  MaximumAppendSizeExceeded,
  type ProposedMessage,
  parseUuid,
  rpcError,
  StatusCode,
  streamIdentifier,
  streamName,
  Timeout,
  wrongExpectedVersionAnswer,
  wrongExpectedVersionStatus,
} from './protocol.js';

function toProposedEvent(message: ProposedMessage): ProposedEvent {
  const metadata = message.getMetadataMap();
  return {
    id: parseUuid(message.getId()),
    type: metadata.get('type') ?? '',
    contentType: metadata.get('content-type') ?? 'application/octet-stream',
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

function appendSize(events: readonly ProposedEvent[]): number {
  return events.reduce((sum, e) => sum + e.data.length + e.metadata.length + e.type.length, 0);
}

/**
 * `Streams.Append`: a client stream of one options message then the proposed
 * events; the answer is success or, in the body, a wrong expected version.
 */
export function handleAppend(log: EventLog, maxAppendSize: number) {
  return (call: ServerReadableStream<AppendReq, AppendResp>, reply: sendUnaryData<AppendResp>) => {
    let stream = '';
    let expected: Expected = { kind: 'any' };
    const events: ProposedEvent[] = [];

    call.on('data', (request: AppendReq) => {
      const options = request.getOptions();
      if (options) {
        stream = streamName(options.getStreamIdentifier());
        expected = expectedOf(options, () => options.getRevision());
        return;
      }
      events.push(toProposedEvent(request.getProposedMessage()!));
    });
    call.on('end', () => {
      if (appendSize(events) > maxAppendSize) {
        reply(
          rpcError(status.INVALID_ARGUMENT, `Maximum Append Size of ${maxAppendSize} Exceeded.`, {
            exception: 'maximum-append-size-exceeded',
            'maximum-append-size': String(maxAppendSize),
          }),
        );
        return;
      }
      const outcome = log.append(stream, expected, events);
      if (outcome.kind === 'wrong_expected_version') {
        reply(null, wrongExpectedVersionAnswer(expected, outcome.current));
        return;
      }
      const position = new AppendResp.Position()
        .setCommitPosition(outcome.position.commit.toString())
        .setPreparePosition(outcome.position.prepare.toString());
      const success = new AppendResp.Success()
        .setCurrentRevision(outcome.lastRevision.toString())
        .setPosition(position);
      reply(null, new AppendResp().setSuccess(success));
    });
  };
}

interface PendingBatch {
  readonly stream: string;
  readonly expected: Expected;
  readonly deadline: number;
  readonly events: ProposedEvent[];
}

/**
 * `Streams.BatchAppend`: one long-lived duplex stream; each append is a run of
 * requests under one correlation id, answered once its final request arrives.
 * Failures are answered in the body as a `google.rpc.Status`, as the server does.
 */
export function handleBatchAppend(log: EventLog, maxAppendSize: number) {
  return (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => {
    const pending = new Map<string, PendingBatch>();

    call.on('data', (request: BatchAppendReq) => {
      const correlation = parseUuid(request.getCorrelationId());
      const options = request.getOptions();
      if (options) {
        pending.set(correlation, {
          stream: streamName(options.getStreamIdentifier()),
          expected: expectedOf(options, () => options.getStreamPosition()),
          deadline: options.getDeadline()?.toDate().getTime() ?? Number.POSITIVE_INFINITY,
          events: [],
        });
      }
      const batch = pending.get(correlation);
      if (!batch) return;
      batch.events.push(...request.getProposedMessagesList().map(toProposedEvent));
      if (!request.getIsFinal()) return;

      pending.delete(correlation);
      const answer = new BatchAppendResp()
        .setCorrelationId(request.getCorrelationId())
        .setStreamIdentifier(streamIdentifier(batch.stream));
      call.write(settle(log, batch, answer, maxAppendSize));
    });
    call.on('end', () => call.end());
  };
}

function settle(log: EventLog, batch: PendingBatch, answer: BatchAppendResp, max: number) {
  if (Date.now() > batch.deadline) {
    return answer.setError(failureStatus(StatusCode.DEADLINE_EXCEEDED, 'Timeout', new Timeout()));
  }
  if (appendSize(batch.events) > max) {
    const details = new MaximumAppendSizeExceeded().setMaxappendsize(max);
    const error = failureStatus(StatusCode.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', details);
    return answer.setError(error);
  }
  const outcome = log.append(batch.stream, batch.expected, batch.events);
  if (outcome.kind === 'wrong_expected_version') {
    return answer.setError(wrongExpectedVersionStatus(batch.expected, outcome.current));
  }
  const success = new BatchAppendResp.Success()
    .setCurrentRevision(outcome.lastRevision.toString())
    .setPosition(allStreamPosition(outcome.position));
  return answer.setSuccess(success);
}
