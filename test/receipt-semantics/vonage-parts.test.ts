import { beforeEach, describe, expect, it } from 'vitest';
import type { FormatHarness } from './support/format-harness.js';
import { useFormatLedgers } from './support/format-ledgers.js';
import type { ReportedStatus } from './support/format-table.js';
import { queryReceipt, vonageQuery } from './support/vonage-tables.js';

describe('vonage receipts for the parts of a multi-part message', () => {
  const ledgers = useFormatLedgers(vonageQuery);
  let harness: FormatHarness;
  beforeEach(async () => {
    harness = await ledgers.shared();
  });

  /** A receipt for part `index` of `count` of message 1. */
  const part = (status: ReportedStatus, index: number, count: number, minute = 5 + index) =>
    queryReceipt(harness.id(1), status, minute, {
      concat: 'true',
      'concat-ref': '7',
      'concat-part': String(index),
      'concat-total': String(count),
    });

  it('should be DELIVERED only when every part is, with each part in history', async () => {
    await harness.send(1);
    const messageId = harness.messageId(1);

    await harness.deliver(part('DELIVERED', 2, 3));
    await harness.deliver(part('DELIVERED', 1, 3));
    const beforeTheLast = await harness.api.statusOf(messageId);
    await harness.deliver(part('DELIVERED', 3, 3));

    expect(beforeTheLast).toBe('SENT');
    expect(await harness.api.statusOf(messageId)).toBe('DELIVERED');
    const receipts = await harness.api.receiptsOf(messageId);
    expect(receipts.map((e) => [e.data.segment, e.data.segmentStatus])).toEqual([
      [{ index: 2, count: 3 }, 'DELIVERED'],
      [{ index: 1, count: 3 }, 'DELIVERED'],
      [{ index: 3, count: 3 }, 'DELIVERED'],
    ]);
  });

  it('should be FAILED as soon as any part fails, whatever the other parts say', async () => {
    await harness.send(1);
    const messageId = harness.messageId(1);

    await harness.deliver(part('DELIVERED', 1, 3));
    await harness.deliver(part('FAILED', 2, 3));
    const afterTheFailure = await harness.api.statusOf(messageId);
    await harness.deliver(part('DELIVERED', 3, 3));

    expect(afterTheFailure).toBe('FAILED');
    expect(await harness.api.statusOf(messageId)).toBe('FAILED');
    expect((await harness.api.receiptsOf(messageId)).map((e) => e.data.segmentStatus)).toEqual([
      'DELIVERED',
      'FAILED',
      'DELIVERED',
    ]);
  });

  it('should take each part once when it comes twice', async () => {
    await harness.send(1);

    await harness.deliver(part('DELIVERED', 1, 2));
    const [again] = (await harness.deliver(part('DELIVERED', 1, 2))) ?? [];

    expect(again).toMatchObject({ outcome: 'ignored', status: 'SENT' });
    expect(await harness.api.receiptsOf(harness.messageId(1))).toHaveLength(1);
  });

  it('should keep a part that fails after it was delivered in history, not applied', async () => {
    await harness.send(1);
    const messageId = harness.messageId(1);

    await harness.deliver(part('DELIVERED', 1, 2));
    await harness.deliver(part('FAILED', 1, 2, 9));

    expect(await harness.api.statusOf(messageId)).toBe('SENT');
    const [, late] = await harness.api.receiptsOf(messageId);
    expect(late?.data).toMatchObject({
      disposition: 'not-applied',
      reason: expect.stringContaining('part 1 of 2'),
    });
  });

  it('should apply parts that came before the send when the send is recorded', async () => {
    for (const index of [1, 2, 3]) await harness.deliver(part('DELIVERED', index, 3));
    const waiting = await harness.api.service.listUnmatchedReceipts();
    await harness.send(1);

    expect(waiting).toHaveLength(3);
    expect(await harness.api.statusOf(harness.messageId(1))).toBe('DELIVERED');
    expect(await harness.api.receiptsOf(harness.messageId(1))).toHaveLength(3);
  });
});
