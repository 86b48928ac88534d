import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import type { EventLog } from './event-log.js';
import {
  type DeleteReq,
  DeleteResp,
  expectedOf,
  streamName,
  wrongExpectedVersionError,
} from './protocol.js';

/**
 * `Streams.Delete`, a soft delete: the stream's metadata gets `$tb` set to the
 * largest Int64, so stream reads find no stream while the events stay in `$all`
 * until a scavenge (which this server never runs). Deleting a stream that does
 * not exist fails with WrongExpectedVersion, as a real node answers.
 */
export function handleDelete(log: EventLog) {
  return (call: ServerUnaryCall<DeleteReq, DeleteResp>, reply: sendUnaryData<DeleteResp>) => {
    const options = call.request.getOptions()!;
    const stream = streamName(options.getStreamIdentifier());
    const expected = expectedOf(options, () => options.getRevision());

    const outcome = log.softDelete(stream, expected);
    if (outcome.kind === 'wrong_expected_version') {
      reply(wrongExpectedVersionError('Delete', stream, expected, outcome.current));
      return;
    }
    const position = new DeleteResp.Position()
      .setCommitPosition(outcome.position.commit.toString())
      .setPreparePosition(outcome.position.prepare.toString());
    reply(null, new DeleteResp().setPosition(position));
  };
}
