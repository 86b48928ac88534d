/**
 * A place in the store's global log of events. EventStoreDB positions have a
 * commit and a prepare part; single-log stores use the same number for both.
 * Both parts are bigints so that no position ever loses precision.
 */
export interface Position {
  readonly commit: bigint;
  readonly prepare: bigint;
}

export function position(commit: bigint | number, prepare?: bigint | number): Position {
  const at = BigInt(commit);
  return { commit: at, prepare: prepare === undefined ? at : BigInt(prepare) };
}

/** Negative when `a` comes before `b`, zero when equal, positive after. */
export function comparePositions(a: Position, b: Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** `"42"` for single-log positions, `"42/40"` (commit/prepare) otherwise. */
export function formatPosition(p: Position): string {
  return p.commit === p.prepare ? `${p.commit}` : `${p.commit}/${p.prepare}`;
}

const POSITION_TEXT = /^(\d+)(?:\/(\d+))?$/;

/** Reads the text `formatPosition` writes; undefined when it is not a position. */
export function parsePosition(text: string): Position | undefined {
  const match = POSITION_TEXT.exec(text.trim());
  if (!match) return undefined;
  const commit = BigInt(match[1]!);
  return { commit, prepare: match[2] === undefined ? commit : BigInt(match[2]) };
}

export function maxPosition(a: Position | null, b: Position | null): Position | null {
  if (a === null) return b;
  if (b === null) return a;
  return comparePositions(a, b) >= 0 ? a : b;
}
