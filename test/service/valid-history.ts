import { expect } from 'vitest';
import type { DeliveryStatus, HistoryEntry } from '../../src/index.js';

const RANK: Record<DeliveryStatus, number> = {
  PENDING: 0,
  SENT: 1,
  DELIVERED: 2,
  FAILED: 2,
  CANCELLED: 2,
  UNKNOWN: 2,
};

/**
 * Checks the rules every message's history keeps, whatever happened to it:
 * revisions count up from 0 in log order, the stream starts with its send,
 * statuses only move forward, a final status stays (but for an UNKNOWN
 * settled late by DELIVERED or FAILED), and no change repeats the status.
 */
export function expectValidHistory(history: readonly HistoryEntry[]): void {
  expect(history.map((entry) => entry.revision)).toEqual(history.map((_, i) => i));
  const positions = history.map((entry) => BigInt(entry.position));
  expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
  expect(history[0]?.type).toBe('SendRecorded');

  let status = history[0]!.data.status as DeliveryStatus;
  for (const entry of history.slice(1)) {
    if (entry.type !== 'StatusChanged' && entry.type !== 'StatusSettledLate') continue;
    const from = entry.data.from as DeliveryStatus;
    const to = entry.data.to as DeliveryStatus;
    const where = `${entry.type} ${from} -> ${to} at revision ${entry.revision}`;
    expect(from, where).toBe(status);
    expect(to, where).not.toBe(from);
    if (entry.type === 'StatusSettledLate') {
      expect(from, where).toBe('UNKNOWN');
      expect(['DELIVERED', 'FAILED'], where).toContain(to);
    } else {
      expect(RANK[from], where).toBeLessThan(2);
      expect(RANK[to], where).toBeGreaterThan(RANK[from]);
    }
    status = to;
  }
}
