import { expect } from 'vitest';
import { type DeliveryTrackingService, fail, ok, type TrackingRecord } from '../../src/index.js';
import { alimTalk, fakeSender } from './failover-support.js';
import {
  aReceipt,
  fakeProvider,
  HOUR,
  type Ledger,
  type LedgerConfig,
  MINUTE,
  reached,
  recordSend,
  SECOND,
  T0,
  type useLedgers,
} from './support.js';

/**
 * The provider of the mixed history: `p-ok-*` delivered, `p-kakao-*` failed
 * for a recipient without KakaoTalk, `p-gone-*` unknown to the provider,
 * `p-slow-*` not answered yet, `p-down-*` a network error.
 */
export function mixedProvider() {
  return fakeProvider('solapi', (query) => {
    const id = query.providerMessageId;
    if (id.startsWith('p-ok')) return reached(query, 'DELIVERED', { statusCode: '4000' });
    if (id.startsWith('p-kakao')) return reached(query, 'FAILED', { statusCode: '3104' });
    if (id.startsWith('p-gone')) return fail({ code: 'NOT_FOUND', message: 'no such message' });
    if (id.startsWith('p-down')) return fail({ code: 'NETWORK_ERROR', message: 'reset' });
    return ok(null);
  });
}

/** The configuration a service of the mixed history runs with. */
export function mixedConfig(): LedgerConfig {
  return { providers: [mixedProvider()], apiFailover: { sender: fakeSender() } };
}

/**
 * Opens a service and gives it a bit of everything: sends (scheduled,
 * AlimTalk, one without provider message id), checks with every kind of
 * answer, receipts (applied, backwards, repeated, settling late) and a
 * failover to SMS. The clock ends at T0 + 1 h.
 */
export async function mixedHistory(ledgers: ReturnType<typeof useLedgers>): Promise<Ledger> {
  const ledger = ledgers.open(mixedConfig());
  const { service, clock } = ledger;
  const kinds = ['ok', 'kakao', 'gone', 'slow', 'down'];
  for (const [i, kind] of kinds.entries()) {
    clock.set(T0 + i * SECOND);
    await recordSend(service, alimTalk(`alim-${i}`, { providerMessageId: `p-kakao-${i}` }));
    await recordSend(service, { messageId: `sms-${kind}`, providerMessageId: `p-${kind}-${i}` });
  }
  await recordSend(service, { messageId: 'later', scheduledAt: new Date(T0 + 2 * HOUR) });
  await recordSend(service, { messageId: 'pending', scheduledAt: new Date(T0 + 3 * HOUR) });
  await recordSend(service, { messageId: 'sms-waiting', providerMessageId: 'p-slow-9' });
  await recordSend(service, { messageId: 'no-id', providerMessageId: '' });

  clock.set(T0 + MINUTE);
  await service.runOnce();
  await service.ingestReceipt(aReceipt('p-slow-3', 'DELIVERED'));
  await service.ingestReceipt(aReceipt('p-ok-0', 'SENT', { providerStatus: 'ACCEPTD' }));
  await service.ingestReceipt(aReceipt('p-gone-2', 'FAILED'));
  await service.ingestReceipt(aReceipt('p-gone-2', 'FAILED'));
  await service.ingestReceipt(aReceipt('p-down-4', 'FAILED', { providerStatus: '3107' }));
  await service.ingestReceipt(aReceipt('p-later', 'SENT'));

  clock.set(T0 + HOUR);
  await service.runOnce();
  return ledger;
}

/** Every record of a service, in a fixed order. */
export async function allRecords(service: DeliveryTrackingService): Promise<TrackingRecord[]> {
  return service.listRecords({ limit: 100_000, orderDirection: 'asc' });
}

/** Checks that each record is what its message's events fold to. */
export async function expectRecordsMatchHistories(service: DeliveryTrackingService): Promise<void> {
  const end = new Date(8.64e15);
  for (const record of await allRecords(service)) {
    expect(record, record.messageId).toStrictEqual(await service.recordAt(record.messageId, end));
  }
}
