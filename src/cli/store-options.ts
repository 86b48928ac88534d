import { type Command, Option } from 'commander';
import { parseNonBlank } from './option-parsers.js';

/** The options by which every command finds the store and its configuration. */
export interface StoreOptions {
  /**
   * The SQLite database file: the events and projections, or with `eventstore` the projections
   * alone. @defaultValue env `LEDGER_DB`, else `./data/ledger.db`
   */
  db: string;
  /**
   * An EventStoreDB connection string (`esdb://…`) to keep the events in.
   * @defaultValue env `EVENTSTORE_URL`, else none: the events are in `db`
   */
  eventstore?: string;
  /**
   * A JS module whose default export is a `LedgerConfig`.
   * @defaultValue env `LEDGER_CONFIG`, else none
   */
  config?: string;
}

/** Adds `--db`, `--eventstore` and `--config` to a command, so that every command reads alike. */
export function addStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--db <file>', 'SQLite database file (with --eventstore: the projections alone)')
        .env('LEDGER_DB')
        .argParser(parseNonBlank)
        .default('./data/ledger.db'),
    )
    .addOption(
      new Option('--eventstore <url>', 'keep events in EventStoreDB (esdb://host:2113?tls=false)')
        .env('EVENTSTORE_URL')
        .argParser(parseNonBlank),
    )
    .addOption(
      new Option('--config <file>', 'JS module exporting providers, polling, receipts, retention')
        .env('LEDGER_CONFIG')
        .argParser(parseNonBlank),
    );
}
