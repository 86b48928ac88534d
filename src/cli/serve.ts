import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { ValidationError } from '../errors.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { createHttpServer } from '../http/index.js';
import type { Logger } from '../logger.js';
import { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import { type LedgerConfig, loadConfig } from './config-file.js';
import { createLogger } from './logger.js';
import { parseNonBlank, parsePort } from './option-parsers.js';
import { watchShutdownSignals } from './signals.js';
import { UsageError } from './usage-error.js';

/** The options of `delivery-ledger serve`. */
export interface ServeOptions {
  /** @defaultValue env `PORT`, else 8787 */
  port: number;
  /** @defaultValue env `HOST`, else `127.0.0.1` */
  host: string;
  /** The SQLite database file. @defaultValue env `LEDGER_DB`, else `./data/ledger.db` */
  db: string;
  /**
   * A JS module whose default export is a {@link LedgerConfig}.
   * @defaultValue env `LEDGER_CONFIG`, else none
   */
  config?: string;
}

/** Adds `serve`: the HTTP API and polling over a SQLite database, until SIGINT or SIGTERM. */
export function addServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the HTTP API and poll providers, until SIGINT or SIGTERM')
    .addOption(
      new Option('--port <number>', 'port to listen on (0: any free port)')
        .env('PORT')
        .argParser(parsePort)
        .default(8787),
    )
    .addOption(
      new Option('--host <address>', 'address to listen on')
        .env('HOST')
        .argParser(parseNonBlank)
        .default('127.0.0.1'),
    )
    .addOption(
      new Option('--db <file>', 'SQLite database file')
        .env('LEDGER_DB')
        .argParser(parseNonBlank)
        .default('./data/ledger.db'),
    )
    .addOption(
      new Option('--config <file>', 'JS module exporting providers, polling and receipts')
        .env('LEDGER_CONFIG')
        .argParser(parseNonBlank),
    )
    .action((options: ServeOptions) => serve(options));
}

/**
 * Runs the server until SIGINT or SIGTERM, then stops taking requests, lets the polling run in
 * flight finish, and closes the database.
 * @throws UsageError for a configuration that is wrong; any other error is a runtime failure
 */
export async function serve(options: ServeOptions): Promise<void> {
  const config = options.config === undefined ? {} : await loadConfig(options.config);
  const logger = createLogger();
  const log = logger.child({ component: 'serve' });

  const filename = openableFile(options.db);
  const { service, app } = await assemble(config, new SqliteEventStore({ filename }), logger);
  const signals = watchShutdownSignals(log);
  try {
    await service.init();
    const address = await app.listen({ port: options.port, host: options.host });
    service.start();
    log.info({ address, db: filename }, 'serving');

    const signal = await signals.received;
    log.info({ signal }, 'shutting down');
    await app.close();
    log.info({}, 'HTTP server closed');
  } catch (error) {
    log.error({ err: error }, 'serve failed');
    throw error;
  } finally {
    await service.close();
    signals.dispose();
  }
  log.info({}, 'stopped');
}

/** The service and its HTTP server. @throws UsageError for a configuration that is wrong */
async function assemble(config: LedgerConfig, eventStore: SqliteEventStore, logger: Logger) {
  const { decimalHex = [], ...receipts } = config.receipts ?? {};
  try {
    const service = new DeliveryTrackingService({
      eventStore,
      logger,
      ...(config.providers !== undefined && { providers: config.providers }),
      ...(config.apiFailover !== undefined && { apiFailover: config.apiFailover }),
      polling: { unknownProviderStrategy: 'wait', ...config.polling },
      receiptMatching: Object.fromEntries(decimalHex.map((id) => [id, { decimalHex: true }])),
    });
    const app = createHttpServer({ service, logger, receipts });
    return { service, app };
  } catch (error) {
    await eventStore.close();
    if (error instanceof ValidationError) throw new UsageError(`config: ${error.message}`);
    throw error;
  }
}

/** The database file's absolute path, with its directory made if missing. */
function openableFile(db: string): string {
  if (db === ':memory:') return db;
  const filename = resolve(db);
  mkdirSync(dirname(filename), { recursive: true });
  return filename;
}
