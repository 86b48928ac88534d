import {
  DeliveryTrackingService,
  type DeliveryTrackingServiceConfig,
  type HistoryEntry,
  type ParkedReceipt,
  SqliteEventStore,
  type TrackingRecord,
} from '../../src/index.js';

/*
 * The ledger as the library sees it, opened in the test's process on the file a killed command
 * left behind: what it holds, and whether its projections are those a rebuild would make.
 */

/** More than any test records, so that one page holds them all. */
const ALL = 100_000;

/** The service on the SQLite file, polling nothing unless `config` says so. */
export function openLibrary(
  filename: string,
  config: Omit<DeliveryTrackingServiceConfig, 'eventStore'> = {},
): DeliveryTrackingService {
  return new DeliveryTrackingService({
    eventStore: new SqliteEventStore({ filename }),
    ...config,
  });
}

/** Every record, in the order of their message ids. */
export async function allRecords(service: DeliveryTrackingService): Promise<TrackingRecord[]> {
  const records = await service.listRecords({
    limit: ALL,
    orderBy: 'requestedAt',
    orderDirection: 'asc',
  });
  return records.sort((a, b) => compareIds(a.messageId, b.messageId));
}

/** What the projections serve: every record, and every receipt still waiting for its send. */
export interface ProjectedView {
  readonly records: TrackingRecord[];
  readonly unmatched: ParkedReceipt[];
}

export async function projectedView(service: DeliveryTrackingService): Promise<ProjectedView> {
  return {
    records: await allRecords(service),
    unmatched: await service.listUnmatchedReceipts({ limit: ALL }),
  };
}

/**
 * What the projections serve now, and what they serve once rebuilt from position zero: the two
 * are equal when no crash left a projection ahead of, behind, or beside its events.
 */
export async function viewBeforeAndAfterRebuild(service: DeliveryTrackingService) {
  const projected = await projectedView(service);
  await service.rebuildProjections();
  const rebuilt = await projectedView(service);
  return { projected, rebuilt };
}

/** The history of each message, by message id. */
export async function histories(
  service: DeliveryTrackingService,
  messageIds: Iterable<string>,
): Promise<Map<string, HistoryEntry[]>> {
  const all = new Map<string, HistoryEntry[]>();
  for (const messageId of messageIds) all.set(messageId, await service.history(messageId));
  return all;
}

/** The event types of a history, in order. */
export function typesOf(history: readonly HistoryEntry[]): string[] {
  return history.map((entry) => entry.type);
}

/** Orders `m-2` before `m-10`: by the number in the id, then by the id. */
export function compareIds(a: string, b: string): number {
  const byNumber = numberIn(a) - numberIn(b);
  return byNumber !== 0 ? byNumber : a < b ? -1 : a > b ? 1 : 0;
}

function numberIn(id: string): number {
  const match = /\d+/.exec(id);
  return match === null ? 0 : Number(match[0]);
}
