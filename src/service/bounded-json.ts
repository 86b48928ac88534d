/** The most nesting kept in user data (custom fields) and provider payloads. */
export const MAX_JSON_DEPTH = 64;

/** Provider payloads larger than this (as JSON text) are kept as their first part only. */
export const MAX_RAW_CHARS = 256 * 1024;

const HEAD_CHARS = 64 * 1024;

/** Whether a value nests deeper than `limit` (it stops looking once it knows). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (limit <= 0) return true;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    if (nestsDeeperThan(item, limit - 1)) return true;
  }
  return false;
}

/**
 * A JSON copy of a provider's raw payload, to keep in an event. One too large
 * or too deep to keep is kept as the start of its JSON text, marked
 * `truncated`; what JSON cannot hold at all (a cycle) is left out.
 */
export function boundedRaw(raw: unknown): unknown {
  if (raw === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(raw);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  if (text.length > MAX_RAW_CHARS || nestsDeeperThan(raw, MAX_JSON_DEPTH)) {
    return { truncated: true, length: text.length, head: text.slice(0, HEAD_CHARS) };
  }
  return JSON.parse(text);
}
