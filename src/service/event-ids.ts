import { v5 as uuidv5 } from 'uuid';

/** Namespace of delivery-ledger's event ids. */
const NAMESPACE = '6f1e2c58-3d0b-5a4e-9c77-1b2d3e4f5a60';

/**
 * The id of an event to append: derived from the stream, the revision it is
 * appended after, its place in the append and its content. The same decision
 * retried gets the same ids, so the store takes it once; a different
 * decision at the same revision gets other ids and loses as a conflict.
 */
export function eventId(
  streamId: string,
  expectedRevision: number | 'no_stream',
  index: number,
  type: string,
  data: unknown,
): string {
  return uuidv5(`${streamId}\n${expectedRevision}\n${index}\n${type}\n${JSON.stringify(data)}`, NAMESPACE);
}
