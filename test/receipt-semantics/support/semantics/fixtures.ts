import { describe, expect, it } from 'vitest';
import type { ReceiptItemResult } from '../../../../src/http/index.js';
import type { DeliveryStatus } from '../../../../src/machines/status.js';
import { countOutcomes } from '../format-harness.js';
import type { FormatLedgers } from '../format-ledgers.js';
import type { FormatTable } from '../format-table.js';

/** The format's fixture payloads end each message they report on in the status they say. */
export function describeFixtures(table: FormatTable, ledgers: FormatLedgers): void {
  describe('taking the fixture payloads', () => {
    it.each(table.fixtures)(
      'should end each message of $name in its reported status',
      async ({ payloads, expected, outcomes }) => {
        const harness = await ledgers.shared();
        const providerMessageIds = Object.keys(expected);
        for (const [i, id] of providerMessageIds.entries()) await harness.send(i + 1, id);

        const results: ReceiptItemResult[] = [];
        for (const payload of payloads) results.push(...((await harness.deliver(payload)) ?? []));

        const statuses: Record<string, DeliveryStatus | undefined> = {};
        for (const [i, id] of providerMessageIds.entries()) {
          statuses[id] = await harness.api.statusOf(harness.messageId(i + 1));
        }
        expect(statuses).toEqual(expected);
        if (outcomes !== undefined && table.answersOutcomes) {
          expect(countOutcomes(results)).toEqual(outcomes);
        }
      },
    );
  });
}
