import { type Command, Option } from 'commander';
import {
  DEFAULT_REBUILD_BUFFER_ROWS,
  type RebuildProgress,
} from '../projections/records-projection.js';
import { withService } from './open-service.js';
import { parsePositiveCount } from './option-parsers.js';
import { printLines } from './output.js';
import { progressBar, rateText } from './progress.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';

/** Adds `rebuild`: builds the projections again from the events, and swaps them in. */
export function addRebuildCommand(program: Command): void {
  const command = program
    .command('rebuild')
    .description(
      'build the projections again from every event and swap them in at the end; a server ' +
        'reading the old ones meanwhile is not disturbed',
    );
  addStoreOptions(command)
    .addOption(
      new Option(
        '--buffer-rows <n>',
        'rows held in memory before they are written (about 2 KB each); more is faster',
      )
        .argParser(parsePositiveCount)
        .default(DEFAULT_REBUILD_BUFFER_ROWS),
    )
    .action((options: RebuildCommandOptions) => rebuild(options));
}

export interface RebuildCommandOptions extends StoreOptions {
  /** Rows held in memory before they are written (the option's default: 50000). */
  bufferRows: number;
}

/**
 * Rebuilds the projections with a progress bar on stderr (on a terminal), then prints how many
 * events were applied and how fast.
 */
export function rebuild(options: RebuildCommandOptions): Promise<void> {
  return withService(options, async ({ service }) => {
    const bar = progressBar('events');
    const started = performance.now();
    let result: RebuildProgress;
    try {
      result = await service.rebuildProjections({
        onProgress: (progress) => bar.update(progress.applied, progress.total),
        bufferRows: options.bufferRows,
      });
    } finally {
      bar.stop();
    }
    const elapsed = performance.now() - started;
    await printLines([`rebuilt the projections: ${rateText(result.applied, 'events', elapsed)}`]);
  });
}
