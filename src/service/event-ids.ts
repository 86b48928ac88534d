import { hash } from 'node:crypto';

/** Prefix of every name hashed into an event id: delivery-ledger's own namespace. */
const NAMESPACE = 'delivery-ledger/6f1e2c58-3d0b-5a4e-9c77-1b2d3e4f5a60\n';

/**
 * A name-based UUID with the layout of version 5: SHA-1 over the namespace
 * and the name, with the version and variant bits set. (The namespace is
 * hashed as text rather than as the bytes of a UUID: one call to a one-shot
 * hash, several times faster, and just as stable.)
 */
export function uuidV5(name: string): string {
  const hex = hash('sha1', NAMESPACE + name, 'hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
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
