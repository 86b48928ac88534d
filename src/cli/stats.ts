import type { Command } from 'commander';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../machines/status.js';
import type { CountByField, CountByRow, RecordFilter } from '../projections/record-filter.js';
import { withService } from './open-service.js';
import { parseTime } from './option-parsers.js';
import { percent, printJson, printLines } from './output.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';
import { formatTable } from './table.js';
import { UsageError } from './usage-error.js';

/** The options of `delivery-ledger stats`. */
export interface StatsOptions extends StoreOptions {
  /** Only messages requested at or after. */
  since?: Date;
  /** Only messages requested at or before. */
  until?: Date;
  json?: boolean;
}

/** How many messages there are, by status, provider and type, and how many were delivered. */
export interface Stats {
  since: Date | null;
  until: Date | null;
  total: number;
  /** Every status, 0 for those no message has. */
  byStatus: Record<DeliveryStatus, number>;
  byProvider: Record<string, number>;
  byType: Record<string, number>;
  /** Shares from 0 to 1, null when there is nothing to share. */
  rates: {
    deliveredOfAll: number | null;
    failedOfAll: number | null;
    /** Delivered of the messages with a final status: DELIVERED, FAILED, CANCELLED, UNKNOWN. */
    deliveredOfFinished: number | null;
  };
}

/** Adds `stats`: counts by status, provider and type, and delivery rates. */
export function addStatsCommand(program: Command): void {
  const command = program
    .command('stats')
    .description('counts by status, provider and type, and delivery rates')
    .option('--since <time>', 'only messages requested at or after this ISO time', parseTime)
    .option('--until <time>', 'only messages requested at or before this ISO time', parseTime)
    .option('--json', 'print the counts and rates as JSON');
  addStoreOptions(command).action((options: StatsOptions) => stats(options));
}

/** Prints the counts and rates of the messages requested in the range. */
export async function stats(options: StatsOptions): Promise<void> {
  const { since, until } = options;
  if (since && until && since.getTime() > until.getTime()) {
    throw new UsageError(
      `--since: expected a time before --until (${until.toISOString()}), got ${since.toISOString()}`,
    );
  }
  const filter: RecordFilter = {
    ...(since && { requestedAtFrom: since }),
    ...(until && { requestedAtTo: until }),
  };

  await withService(options, async ({ service }) => {
    const [byStatus, byProvider, byType] = await Promise.all([
      service.countBy(filter, ['status']),
      service.countBy(filter, ['providerId']),
      service.countBy(filter, ['type']),
    ]);
    const counted = countStats(since, until, {
      byStatus: byKey(byStatus, 'status'),
      byProvider: byKey(byProvider, 'providerId'),
      byType: byKey(byType, 'type'),
    });
    if (options.json) return printJson(counted);
    await printLines(formatStats(counted));
  });
}

function countStats(
  since: Date | undefined,
  until: Date | undefined,
  counts: Pick<Stats, 'byProvider' | 'byType'> & { byStatus: Record<string, number> },
): Stats {
  const byStatus = Object.fromEntries(
    DELIVERY_STATUSES.map((status) => [status, counts.byStatus[status] ?? 0]),
  ) as Record<DeliveryStatus, number>;
  const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0);
  const finished = byStatus.DELIVERED + byStatus.FAILED + byStatus.CANCELLED + byStatus.UNKNOWN;
  const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

  return {
    since: since ?? null,
    until: until ?? null,
    total,
    byStatus,
    byProvider: counts.byProvider,
    byType: counts.byType,
    rates: {
      deliveredOfAll: share(byStatus.DELIVERED, total),
      failedOfAll: share(byStatus.FAILED, total),
      deliveredOfFinished: share(byStatus.DELIVERED, finished),
    },
  };
}

function byKey(rows: readonly CountByRow[], field: CountByField): Record<string, number> {
  const sorted = [...rows].sort((a, b) => b.count - a.count);
  return Object.fromEntries(sorted.map((row) => [row.key[field] ?? '', row.count]));
}

function formatStats(stats: Stats): string[] {
  const range =
    stats.since === null && stats.until === null
      ? 'messages'
      : `messages requested ${rangeText(stats.since, stats.until)}`;
  const { byStatus, total } = stats;
  const finished = byStatus.DELIVERED + byStatus.FAILED + byStatus.CANCELLED + byStatus.UNKNOWN;
  const rate = (label: string, part: number, whole: number) => [
    label,
    percent(part, whole),
    `${part} of ${whole}`,
  ];

  return [
    `${range}: ${total}`,
    '',
    ...countTable('status', byStatus, total),
    '',
    ...countTable('provider', stats.byProvider, total),
    '',
    ...countTable('type', stats.byType, total),
    '',
    ...formatTable(
      [{ heading: 'rate' }, { heading: 'share', align: 'right' }, { heading: 'of' }],
      [
        rate('delivered of all', byStatus.DELIVERED, total),
        rate('failed of all', byStatus.FAILED, total),
        rate('delivered of finished', byStatus.DELIVERED, finished),
      ],
    ),
  ];
}

function countTable(heading: string, counts: Record<string, number>, total: number): string[] {
  const rows = Object.entries(counts).map(([key, count]) => [
    key,
    String(count),
    percent(count, total),
  ]);
  return formatTable(
    [{ heading }, { heading: 'count', align: 'right' }, { heading: 'share', align: 'right' }],
    rows,
  );
}

function rangeText(since: Date | null, until: Date | null): string {
  if (since === null) return `up to ${until!.toISOString()}`;
  if (until === null) return `from ${since.toISOString()}`;
  return `from ${since.toISOString()} to ${until.toISOString()}`;
}
