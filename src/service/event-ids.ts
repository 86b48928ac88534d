import { createHash } from 'node:crypto';

/** Namespace of delivery-ledger's event ids (a UUID, as bytes). */
const NAMESPACE = Buffer.from('6f1e2c583d0b5a4e9c771b2d3e4f5a60', 'hex');

/**
 * A name-based (version 5, RFC 9562) UUID: SHA-1 over the namespace and the
 * name, with the version and variant bits set.
 */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.toString('hex', 0, 16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

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
  return uuidV5(`${streamId}\n${expectedRevision}\n${index}\n${type}\n${JSON.stringify(data)}`);
}
