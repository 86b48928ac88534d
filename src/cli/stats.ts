import type { Command } from 'commander';
import { type DeliveryStats, requestedBetween, statsOf } from '../projections/delivery-stats.js';
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
  /** Only messages requested before. */
  until?: Date;
  json?: boolean;
}

/** The stats of `GET /v1/stats`, with the range they cover. */
export interface Stats extends DeliveryStats {
  since: Date | null;
  until: Date | null;
}

/** Adds `stats`: counts by status, provider and type, and delivery rates. */
export function addStatsCommand(program: Command): void {
  const command = program
    .command('stats')
    .description('counts by status, provider and type, and delivery rates')
    .option('--since <time>', 'only messages requested at or after this ISO time', parseTime)
    .option('--until <time>', 'only messages requested before this ISO time', parseTime)
    .option('--json', 'print the counts and rates as JSON, as GET /v1/stats answers them');
  addStoreOptions(command).action((options: StatsOptions) => stats(options));
}

/** Prints the counts and rates of the messages requested in the range. */
export async function stats(options: StatsOptions): Promise<void> {
  const { since, until } = options;
  if (since && until && since.getTime() >= until.getTime()) {
    throw new UsageError(
      `--since: expected a time before --until (${until.toISOString()}), got ${since.toISOString()}`,
    );
  }

  await withService(options, async ({ service }) => {
    const rows = await service.countBy(requestedBetween(since, until), [
      'status',
      'providerId',
      'type',
    ]);
    const counted: Stats = { since: since ?? null, until: until ?? null, ...statsOf(rows) };
    if (options.json) return printJson(counted);
    await printLines(formatStats(counted));
  });
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
    ...countTable('status', Object.entries(byStatus), total),
    '',
    ...countTable('provider', mostFirst(stats.byProvider), total),
    '',
    ...countTable('type', mostFirst(stats.byType), total),
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

/** Rows in the order given: statuses in their own order, providers and types most first. */
function countTable(heading: string, counts: [string, number][], total: number): string[] {
  const rows = counts.map(([key, count]) => [key, String(count), percent(count, total)]);
  return formatTable(
    [{ heading }, { heading: 'count', align: 'right' }, { heading: 'share', align: 'right' }],
    rows,
  );
}

function rangeText(since: Date | null, until: Date | null): string {
  if (since === null) return `before ${until!.toISOString()}`;
  if (until === null) return `from ${since.toISOString()}`;
  return `from ${since.toISOString()} up to ${until.toISOString()}`;
}

function mostFirst(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort(([, a], [, b]) => b - a);
}
