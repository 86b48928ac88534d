import { afterAll } from 'vitest';
import { FormatHarness } from './format-harness.js';
import type { FormatTable } from './format-table.js';
import { type LedgerApi, type LedgerApiOptions, startLedgerApi } from './ledger-api.js';

/** How many message numbers each test is given on a shared ledger. */
const NUMBERS_PER_TEST = 100;

/** Ledgers for the tests of one format, shared by the tests of a describe. */
export interface FormatLedgers {
  /**
   * A harness over a ledger the tests of this describe share (one for each set of `options`),
   * with message numbers, and so provider message ids, that no other test uses. A test that
   * moves the clock moves it for the tests after it, so those only move it forward.
   */
  shared(options?: LedgerApiOptions): Promise<FormatHarness>;
}

/**
 * Ledgers for `table`, each set up with `defaults` and the table's receipt options, started on
 * first use and closed after the describe's last test.
 */
export function useFormatLedgers(table: FormatTable, defaults: LedgerApiOptions = {}) {
  const setUp = (options: LedgerApiOptions): LedgerApiOptions => ({
    service: { ...defaults.service, ...options.service },
    receipts: { ...table.receipts, ...defaults.receipts, ...options.receipts },
  });
  const shared = new Map<string, Promise<LedgerApi>>();
  let numbers = 0;
  afterAll(async () => {
    const apis = await Promise.all(shared.values());
    shared.clear();
    await Promise.all(apis.map((api) => api.close()));
  });

  const ledgers: FormatLedgers = {
    async shared(options = {}) {
      const key = JSON.stringify(options);
      const api = shared.get(key) ?? startLedgerApi(setUp(options));
      shared.set(key, api);
      numbers += NUMBERS_PER_TEST;
      return new FormatHarness(table, await api, numbers);
    },
  };
  return ledgers;
}
