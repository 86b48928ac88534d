import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { DeliveryStatus } from '../../src/machines/status.js';
import { parseSmppReceipt } from '../../src/receipts/index.js';
import type { Receipt } from '../../src/receipts/receipt.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import type { ReportedStatus } from './support/format-table.js';
import { T0 } from './support/receipt-times.js';
import { smppReceiptLine } from './support/smpp-lines.js';

/*
 * Multi-part messages through the library: SMPP carries no part number in its receipts, so
 * each receipt is read from its line and given the part it reports on, as an SMSC adapter
 * that knows the parts' ids would.
 */

const PHONE = '01055512345';

/** A receipt for part `index` of `count`: an SMPP line read, with its part added. */
function partReceipt(id: string, status: ReportedStatus, index: number, count: number): Receipt {
  const item = parseSmppReceipt(smppReceiptLine(id, status, 5 + index), { providerId: 'smsc' });
  if (!item.ok) throw new Error(`expected a receipt, got a rejection: ${item.reason}`);
  return { ...item.receipt, segment: { index, count } };
}

const CASES: readonly {
  readonly case: string;
  readonly count: number;
  /** Each receipt's part and status, in the order they come. */
  readonly parts: readonly (readonly [number, ReportedStatus])[];
  /** The message's status after each receipt. */
  readonly after: readonly DeliveryStatus[];
}[] = [
  {
    case: 'DELIVERED once every part is delivered',
    count: 3,
    parts: [
      [2, 'DELIVERED'],
      [1, 'DELIVERED'],
      [3, 'DELIVERED'],
    ],
    after: ['SENT', 'SENT', 'DELIVERED'],
  },
  {
    case: 'FAILED as soon as a part fails',
    count: 3,
    parts: [
      [1, 'SENT'],
      [2, 'FAILED'],
      [1, 'DELIVERED'],
      [3, 'DELIVERED'],
    ],
    after: ['SENT', 'FAILED', 'FAILED', 'FAILED'],
  },
  {
    case: 'UNKNOWN while a part is, then settled late by it',
    count: 2,
    parts: [
      [1, 'UNKNOWN'],
      [2, 'DELIVERED'],
      [1, 'DELIVERED'],
    ],
    after: ['SENT', 'UNKNOWN', 'DELIVERED'],
  },
  {
    case: 'not moved back by a part reported sent after it was delivered',
    count: 2,
    parts: [
      [1, 'DELIVERED'],
      [1, 'SENT'],
      [2, 'DELIVERED'],
    ],
    after: ['SENT', 'SENT', 'DELIVERED'],
  },
];

describe('receipts for the parts of a multi-part message', () => {
  let service: DeliveryTrackingService;
  let messages = 0;
  beforeAll(() => {
    service = new DeliveryTrackingService({
      now: () => T0,
      eventStore: new SqliteEventStore({ filename: ':memory:' }),
    });
  });
  afterAll(() => service.close());

  async function send(): Promise<{ messageId: string; id: string }> {
    messages += 1;
    const messageId = `message-${messages}`;
    const id = `5e${messages.toString(16).padStart(6, '0')}`;
    await service.recordSend(
      { messageId, timestamp: T0, options: { type: 'LMS', to: PHONE } },
      {
        messageId,
        providerId: 'smsc',
        providerMessageId: id,
        status: 'SENT',
        type: 'LMS',
        to: PHONE,
      },
    );
    return { messageId, id };
  }

  it.each(CASES)('should be $case, with each part in history', async ({ count, parts, after }) => {
    const { messageId, id } = await send();

    const statuses: (DeliveryStatus | undefined)[] = [];
    for (const [index, status] of parts) {
      await service.ingestReceipt(partReceipt(id, status, index, count));
      statuses.push((await service.getRecord(messageId))?.status);
    }

    expect(statuses).toEqual(after);
    const history = await service.history(messageId);
    const received = history.filter((event) => event.type === 'ReceiptReceived');
    expect(received.map((event) => event.data.segment)).toEqual(
      parts.map(([index]) => ({ index, count })),
    );
  });

  it('should settle a message that ended UNKNOWN with a StatusSettledLate', async () => {
    const { messageId, id } = await send();

    await service.ingestReceipt(partReceipt(id, 'UNKNOWN', 1, 2));
    await service.ingestReceipt(partReceipt(id, 'UNKNOWN', 2, 2));
    await service.ingestReceipt(partReceipt(id, 'FAILED', 2, 2));

    const changes = (await service.history(messageId)).filter((e) => e.type.startsWith('Status'));
    expect(changes.map((e) => [e.type, e.data.from, e.data.to])).toEqual([
      ['StatusChanged', 'SENT', 'UNKNOWN'],
      ['StatusSettledLate', 'UNKNOWN', 'FAILED'],
    ]);
  });

  it('should apply parts that came before the send when it is recorded', async () => {
    const id = `5e${(messages + 1).toString(16).padStart(6, '0')}`;
    const outcomes = [];
    for (const index of [1, 2]) {
      outcomes.push(await service.ingestReceipt(partReceipt(id, 'DELIVERED', index, 2)));
    }

    const { messageId } = await send();

    expect(outcomes.map((o) => o.outcome)).toEqual(['pending', 'pending']);
    expect((await service.getRecord(messageId))?.status).toBe('DELIVERED');
  });
});
