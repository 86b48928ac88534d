import { describe, expect, it } from 'vitest';
import { fakeProvider, MINUTE, reached, recordSend, T0, useLedgers } from './support.js';

const ledgers = useLedgers();

describe('instances that split polling by shard', () => {
  it('should check each due message on exactly one instance, and both should see every record', async () => {
    const providerA = fakeProvider('solapi', (query) => reached(query, 'DELIVERED'));
    const providerB = fakeProvider('solapi', (query) => reached(query, 'DELIVERED'));
    const a = ledgers.open({ providers: [providerA], shard: { index: 0, count: 2 } });
    const b = ledgers.open({ file: a.file, providers: [providerB], shard: { index: 1, count: 2 } });
    const ids = Array.from({ length: 30 }, (_, i) => `m-${i}`);
    for (const [i, id] of ids.entries()) {
      await recordSend(i % 2 ? a.service : b.service, { messageId: id });
    }
    a.clock.set(T0 + 10 * MINUTE);
    b.clock.set(T0 + 10 * MINUTE);

    const [runA, runB] = await Promise.all([a.service.runOnce(), b.service.runOnce()]);

    const asked = [...providerA.calls, ...providerB.calls].map((q) => q.providerMessageId);
    expect(asked).toHaveLength(ids.length);
    expect(new Set(asked).size).toBe(ids.length);
    expect(providerA.calls.length).toBeGreaterThan(0);
    expect(providerB.calls.length).toBeGreaterThan(0);
    expect(runA.checked + runB.checked).toBe(ids.length);
    for (const service of [a.service, b.service]) {
      await expect
        .poll(() => service.countRecords({ status: 'DELIVERED' }), { timeout: 10_000 })
        .toBe(ids.length);
    }
  });

  it('should refuse a shard outside its count', () => {
    expect(() => ledgers.open({ shard: { index: 2, count: 2 } })).toThrow(/shard/);
  });
});
