import { describe, expect, it } from 'vitest';
import { JASMIN_ACK_BODY } from '../../../../src/receipts/index.js';
import { countOutcomes } from '../format-harness.js';
import type { FormatLedgers } from '../format-ledgers.js';
import type { FormatTable } from '../format-table.js';

/** Payloads that cannot be read are kept whole as dead letters, and answered 200. */
export function describeMalformed(table: FormatTable, ledgers: FormatLedgers): void {
  describe('a payload that cannot be read', () => {
    it.each(table.malformed)('should keep $name whole as a dead letter', async (malformed) => {
      const harness = await ledgers.shared();
      const { deadLetters, readable = 0 } = malformed;
      const { service } = harness.api;
      const keptBefore = (await service.listDeadLetters({ limit: 1000 })).length;
      const waitingBefore = (await service.listUnmatchedReceipts({ limit: 1000 })).length;

      const answer = await harness.post(malformed.payload);

      expect(answer.status, answer.text).toBe(200);
      if (table.answersOutcomes) {
        const results = answer.answer?.results ?? [];
        expect(countOutcomes(results)).toEqual({
          applied: 0,
          ignored: 0,
          pending: readable,
          rejected: deadLetters.length,
        });
        const reasons = results.filter((r) => r.outcome === 'rejected').map((r) => r.reason);
        expect(reasons).toEqual(deadLetters.map(({ reason }) => matching(reason)));
      } else {
        expect(answer.text).toBe(JASMIN_ACK_BODY);
      }
      const kept = await service.listDeadLetters({ limit: 1000, offset: keptBefore });
      expect(kept).toEqual(
        deadLetters.map(({ raw, reason }) =>
          expect.objectContaining({
            format: table.format,
            providerId: table.providerId,
            raw,
            reason: matching(reason),
          }),
        ),
      );
      const waiting = await service.listUnmatchedReceipts({ limit: 1000 });
      expect(waiting).toHaveLength(waitingBefore + readable);
    });
  });
}

function matching(reason: string | RegExp): unknown {
  return typeof reason === 'string'
    ? expect.stringContaining(reason)
    : expect.stringMatching(reason);
}
