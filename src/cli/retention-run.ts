import type { Command } from 'commander';
import type { RetentionSummary } from '../service/retention.js';
import { withService } from './open-service.js';
import { printJson, printLines } from './output.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';
import { formatTable } from './table.js';
import { UsageError } from './usage-error.js';

/** The options of `delivery-ledger retention run`. */
export interface RetentionRunOptions extends StoreOptions {
  json?: boolean;
}

/** Adds `retention run`: deletes, once, the messages past the config file's retention policy. */
export function addRetentionCommand(program: Command): void {
  const retention = program.command('retention').description("the config file's retention policy");
  const command = retention
    .command('run')
    .description('delete the messages older than the retention policy, once, and count them')
    .option('--json', 'print { examined, deleted, deletedByType } as JSON');
  addStoreOptions(command).action((options: RetentionRunOptions) => runRetention(options));
}

/**
 * Runs retention once and prints how many messages it deleted, by type. It prints counts only:
 * no message id, number or text.
 * @throws UsageError when the config file has no retention policy
 */
export function runRetention(options: RetentionRunOptions): Promise<void> {
  return withService(options, async ({ service, config }) => {
    if (config.retention === undefined) {
      throw new UsageError(
        'retention run: expected a retention policy in the config file, got none',
      );
    }
    const summary = await service.runRetention();
    if (options.json) return printJson(summary);
    await printLines(formatSummary(summary));
  });
}

function formatSummary(summary: RetentionSummary): string[] {
  const lines = [
    `examined ${count(summary.examined, 'record')}, deleted ${count(summary.deleted, 'message')}`,
  ];
  const byType = Object.entries(summary.deletedByType).sort(([a], [b]) => a.localeCompare(b));
  if (byType.length === 0) return lines;
  const rows = byType.map(([type, count]) => [type, String(count)]);
  return [
    ...lines,
    '',
    ...formatTable([{ heading: 'type' }, { heading: 'deleted', align: 'right' }], rows),
  ];
}

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
