import { describe } from 'vitest';
import { useFormatLedgers } from '../format-ledgers.js';
import type { FormatTable } from '../format-table.js';
import { describeEarlyReceipts } from './early.js';
import { describeFixtures } from './fixtures.js';
import { describeIdMatching } from './id-matching.js';
import { describeLateReceipts } from './late.js';
import { describeMalformed } from './malformed.js';
import { describeRepeatsAndOrder } from './repeats-and-order.js';

/**
 * The receipt semantics every format must keep, over HTTP: its fixtures end in the statuses they
 * report; repeats, out-of-order, early, late and unreadable receipts are taken as the service
 * promises; ids match ignoring case and leading zeros.
 */
export function describeReceiptSemantics(table: FormatTable): void {
  describe(`receipts in the ${table.name} format`, () => {
    const ledgers = useFormatLedgers(table);
    describeFixtures(table, ledgers);
    describeRepeatsAndOrder(table, ledgers);
    describeEarlyReceipts(table, ledgers);
    describeLateReceipts(table, ledgers);
    describeIdMatching(table, ledgers);
    describeMalformed(table, ledgers);
  });
}
