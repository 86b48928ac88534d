import { describe, expect, it } from 'vitest';
import { expectOutcome } from '../format-harness.js';
import type { FormatLedgers } from '../format-ledgers.js';
import type { FormatTable } from '../format-table.js';

/** How the send's id may differ from the receipt's and still be the same message. */
const ID_VARIANTS: readonly {
  readonly case: string;
  readonly ids: (id: string) => { readonly send: string; readonly receipt: string };
}[] = [
  { case: 'exactly', ids: (id) => ({ send: id, receipt: id }) },
  {
    case: 'with its letters in the other case',
    ids: (id) => ({ send: swapCase(id), receipt: id }),
  },
  { case: 'with leading zeros', ids: (id) => ({ send: `000${id}`, receipt: id }) },
  { case: 'without its leading zeros', ids: (id) => ({ send: id, receipt: `00${id}` }) },
];

const ARRIVALS = ['send first', 'receipt first'] as const;

const CASES = ID_VARIANTS.flatMap((variant) =>
  ARRIVALS.map((arrival) => ({ ...variant, arrival })),
);

/** Receipts find their send by provider message id, ignoring case and leading zeros. */
export function describeIdMatching(table: FormatTable, ledgers: FormatLedgers): void {
  describe('matching a receipt to its send', () => {
    it.each(CASES)('should match an id written $case, $arrival', async ({ ids, arrival }) => {
      const harness = await ledgers.shared();
      const { send, receipt } = ids(harness.id(1));
      const payload = harness.receipt(1, 'DELIVERED', 5, receipt);

      if (arrival === 'send first') await harness.send(1, send);
      const result = await harness.deliverOne(payload);
      if (arrival === 'receipt first') await harness.send(1, send);

      if (arrival === 'send first') {
        expectOutcome(result, table, { outcome: 'applied', messageId: harness.messageId(1) });
      }
      expect(await harness.api.statusOf(harness.messageId(1))).toBe('DELIVERED');
    });

    it('should not match the send of another provider', async () => {
      const harness = await ledgers.shared();
      const other = `other-${harness.messageId(1)}`;
      await harness.api.recordSend(other, `not-${table.providerId}`, harness.id(1));

      const result = await harness.deliverOne(harness.receipt(1, 'DELIVERED', 5));

      expectOutcome(result, table, { outcome: 'pending' });
      expect(await harness.api.statusOf(other)).toBe('SENT');
      expect(await harness.waiting(harness.id(1))).toHaveLength(1);
    });
  });
}

/** The id with each lower-case letter in upper case and each upper-case one in lower case. */
function swapCase(id: string): string {
  return [...id].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join('');
}
