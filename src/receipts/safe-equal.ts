import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether two signatures are the same text, compared in time that does not depend on where they
 * differ, nor on their lengths: both are hashed to SHA-256 digests first, which are compared.
 */
export function safeEqual(expected: string, given: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}
