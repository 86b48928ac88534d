import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addListCommand } from './list.js';
import { addRebuildCommand } from './rebuild.js';
import { addReceiptsCommand } from './receipts-import.js';
import { addRetentionCommand } from './retention-run.js';
import { addServeCommand } from './serve.js';
import { addShowCommand } from './show.js';
import { addStatsCommand } from './stats.js';
import { addWatchCommand } from './watch.js';

/** The `delivery-ledger` command and its subcommands, one file each beside this one. */
export function createProgram(): Command {
  const program = new Command('delivery-ledger')
    .description('event-sourced delivery tracking for SMS and AlimTalk messages')
    .version(packageVersion())
    // Errors are thrown, so that run() decides the exit code.
    .exitOverride();

  addServeCommand(program);
  addShowCommand(program);
  addListCommand(program);
  addStatsCommand(program);
  addWatchCommand(program);
  addRebuildCommand(program);
  addReceiptsCommand(program);
  addRetentionCommand(program);
  return program;
}

function packageVersion(): string {
  // Two levels up from src/cli and from dist/cli alike.
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
