import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/cli/config-file.js';
import { UsageError } from '../../src/cli/usage-error.js';

const dir = mkdtempSync(join(tmpdir(), 'ledger-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function configFile(text: string, extension = '.mjs'): string {
  const path = join(dir, `config-${++files}${extension}`);
  writeFileSync(path, text);
  return path;
}

describe('loadConfig', () => {
  it("should give the module's default export: providers, polling and receipts", async () => {
    const path = configFile(`
      export default {
        providers: [{ id: 'smsc-1', getDeliveryStatus: async () => ({ isSuccess: true }) }],
        polling: { intervalMs: 1000 },
        receipts: { timeZoneOffsetMinutes: 540, decimalHex: ['smsc-1'] },
      };
    `);

    const config = await loadConfig(path);

    expect(config.providers?.map((provider) => provider.id)).toEqual(['smsc-1']);
    expect(config.polling).toEqual({ intervalMs: 1000 });
    expect(config.receipts).toEqual({ timeZoneOffsetMinutes: 540, decimalHex: ['smsc-1'] });
  });

  it('should give the retention policy and how long unmatched receipts wait', async () => {
    const path = configFile(`
      export default {
        retention: { defaultDays: 90, byType: { ALIMTALK: 30 }, byTenant: { field: 'tenant', days: { acme: 7 } } },
        unmatchedReceiptTtlMs: 3600000,
      };
    `);

    const config = await loadConfig(path);

    expect(config.retention).toEqual({
      defaultDays: 90,
      byType: { ALIMTALK: 30 },
      byTenant: { field: 'tenant', days: { acme: 7 } },
    });
    expect(config.unmatchedReceiptTtlMs).toBe(3_600_000);
  });

  it.each([
    ['retention: { defaultDays: -1 }', /: retention\.defaultDays: expected a number of days > 0$/],
    ['retention: { byTenant: { days: {} } }', /: retention\.byTenant\.field: /],
    ['retention: { keepDays: 3 }', /: retention: Unrecognized key: "keepDays"$/],
    ['unmatchedReceiptTtlMs: -5', /: unmatchedReceiptTtlMs: expected milliseconds >= 0$/],
  ])('should refuse %s, naming the setting', async (settings, message) => {
    const path = configFile(`export default { ${settings} };`);

    await expect(loadConfig(path)).rejects.toThrow(message);
  });

  it('should refuse a setting it does not know, naming it', async () => {
    const path = configFile('export default { receipt: {} };');

    await expect(loadConfig(path)).rejects.toThrow(UsageError);
    await expect(loadConfig(path)).rejects.toThrow(/: Unrecognized key: "receipt"$/);
  });

  it('should refuse a provider without an id', async () => {
    const path = configFile('export default { providers: [{ name: "smsc" }] };');

    await expect(loadConfig(path)).rejects.toThrow(
      /: providers\.0: expected a provider object with a string id$/,
    );
  });

  it('should refuse a module without a default export', async () => {
    const path = configFile('export const providers = [];');

    await expect(loadConfig(path)).rejects.toThrow(/to have a default export, got none$/);
  });

  it('should refuse a file that is not there', async () => {
    await expect(loadConfig(join(dir, 'missing.mjs'))).rejects.toThrow(/^--config: no file at /);
  });
});
