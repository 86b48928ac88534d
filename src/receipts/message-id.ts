/**
 * The key a provider message id is matched by: trimmed, lower-case, without leading zeros (an id
 * of only zeros is `0`). SMSCs pass ids on with leading zeros added or lost and their case
 * changed, so `0000000012345678` and `12345678`, or `55AA10FF` and `55aa10ff`, are one message.
 */
export function providerMessageKey(id: string): string {
  const key = id.trim().toLowerCase();
  // Spaces between leading zeros go with them, so that a key is its own key.
  const withoutZeros = key.replace(/^[0\s]+/, '');
  return withoutZeros === '' && key !== '' ? '0' : withoutZeros;
}

/** Which other readings of an id {@link alternativeKeys} returns. */
export interface AlternativeKeyOptions {
  /**
   * Read the id as a number in the other base: a decimal id written in hex, and a hex id written
   * in decimal. Some SMSCs answer submit_sm with an id in one base and report it in the other.
   * @defaultValue false
   */
  readonly decimalHex?: boolean;
}

/** Ids longer than this are not re-read: no SMPP id is (message_id is at most 64 characters). */
const MAX_REREAD_LENGTH = 64;

/**
 * The keys of the other readings of `id`, to look a message up by when its own key finds nothing.
 * With `decimalHex`, an id of decimal digits gives its value in hex (`1602718841` → `5f878c79`),
 * and an id of hex digits gives its value in decimal (`55AA10FF` → `1437208831`); an id of only
 * decimal digits is both, and gives both. Each key is a {@link providerMessageKey}, and the id's
 * own key is never among them. Numbers are read with `BigInt`, so long ids keep every digit.
 *
 * @example
 * ```ts
 * alternativeKeys('0000000012345678', { decimalHex: true }); // ['bc614e', '305419896']
 * ```
 */
export function alternativeKeys(id: string, options: AlternativeKeyOptions = {}): string[] {
  const key = providerMessageKey(id);
  if (!options.decimalHex || key === '' || key.length > MAX_REREAD_LENGTH) return [];

  const keys = new Set<string>();
  if (/^[0-9]+$/.test(key)) keys.add(BigInt(key).toString(16));
  if (/^[0-9a-f]+$/.test(key)) keys.add(BigInt(`0x${key}`).toString(10));
  keys.delete(key);
  return [...keys];
}
