import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { addServeCommand } from './serve.js';

/** The `delivery-ledger` command and its subcommands, one file each beside this one. */
export function createProgram(): Command {
  const program = new Command('delivery-ledger')
    .description('event-sourced delivery tracking for SMS and AlimTalk messages')
    .version(packageVersion())
    // Errors are thrown, so that run() decides the exit code.
    .exitOverride();

  addServeCommand(program);
  return program;
}

function packageVersion(): string {
  // Two levels up from src/cli and from dist/cli alike.
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
