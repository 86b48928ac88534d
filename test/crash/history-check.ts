import type { DeliveryStatus, HistoryEntry } from '../../src/index.js';

/** 0 for a status still polled, 1 for SENT, 2 for a final one: a status only moves up. */
const RANK: Readonly<Record<DeliveryStatus, number>> = {
  PENDING: 0,
  SENT: 1,
  DELIVERED: 2,
  FAILED: 2,
  CANCELLED: 2,
  UNKNOWN: 2,
};

/**
 * What is wrong with one message's history, in words; none for a sound one. A history that
 * survived a crash must still read as one the service could have written in one go:
 * - revisions count up from 0 in log order, and the first event is the one send;
 * - statuses only move forward, each change starting where the last one ended (an UNKNOWN may
 *   be settled late by DELIVERED or FAILED);
 * - no status change is recorded twice, no check is recorded twice (its attempt numbers only
 *   go up), and no receipt is recorded twice (its key is unique).
 */
export function historyProblems(messageId: string, history: readonly HistoryEntry[]): string[] {
  const problems: string[] = [];
  const problem = (entry: HistoryEntry, text: string) =>
    problems.push(`${messageId}: ${entry.type} at revision ${entry.revision} ${text}`);

  const first = history[0];
  if (first === undefined) return [`${messageId}: expected a history, got no events`];
  if (first.type !== 'SendRecorded') problem(first, 'comes first; expected SendRecorded');

  let status = first.data.status as DeliveryStatus;
  let lastPosition = -1n;
  let lastAttempt = 0;
  const changesTo = new Map<DeliveryStatus, number>();
  const receiptKeys = new Map<string, number>();

  for (const [index, entry] of history.entries()) {
    if (entry.revision !== index) problem(entry, `is number ${index} in the history`);
    const at = BigInt(entry.position);
    if (at <= lastPosition) problem(entry, `has position ${at}, not after ${lastPosition}`);
    lastPosition = at;

    switch (entry.type) {
      case 'SendRecorded':
        if (index > 0) problem(entry, 'repeats the send');
        break;
      case 'CheckCompleted': {
        const attempt = entry.data.attempt as number;
        if (attempt <= lastAttempt) problem(entry, `is attempt ${attempt} after ${lastAttempt}`);
        lastAttempt = Math.max(lastAttempt, attempt);
        break;
      }
      case 'ReceiptReceived': {
        const key = entry.data.receiptKey as string;
        const earlier = receiptKeys.get(key);
        if (earlier !== undefined) problem(entry, `repeats the receipt of revision ${earlier}`);
        receiptKeys.set(key, entry.revision);
        break;
      }
      case 'StatusChanged':
      case 'StatusSettledLate': {
        const from = entry.data.from as DeliveryStatus;
        const to = entry.data.to as DeliveryStatus;
        const move = `${from} -> ${to}`;
        if (from !== status) problem(entry, `moves ${move}, but the status was ${status}`);
        const late = entry.type === 'StatusSettledLate';
        const forward = late
          ? from === 'UNKNOWN' && (to === 'DELIVERED' || to === 'FAILED')
          : RANK[from] < 2 && RANK[to] > RANK[from];
        if (!forward) problem(entry, `moves ${move}, which is not forward`);
        const earlier = changesTo.get(to);
        if (earlier !== undefined)
          problem(entry, `repeats the change to ${to} of revision ${earlier}`);
        changesTo.set(to, entry.revision);
        status = to;
        break;
      }
    }
  }
  return problems;
}

/** The problems of every history, in the order of their message ids. */
export function historiesProblems(histories: ReadonlyMap<string, readonly HistoryEntry[]>) {
  return [...histories].flatMap(([messageId, history]) => historyProblems(messageId, history));
}
