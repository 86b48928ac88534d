import { type Command, Option } from 'commander';
import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Shard } from '../projections/projection-store.js';
import { type LedgerConfig, loadConfig } from './config-file.js';
import { createLogger } from './logger.js';
import { createService } from './open-service.js';
import { parseDuration, parseNonBlank, parsePort, parseShard } from './option-parsers.js';
import { type RetentionSchedule, scheduleRetention } from './retention-schedule.js';
import { watchShutdownSignals } from './signals.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';
import { UsageError } from './usage-error.js';

/** The options of `delivery-ledger serve`. */
export interface ServeOptions extends StoreOptions {
  /** @defaultValue env `PORT`, else 8787 */
  port: number;
  /** @defaultValue env `HOST`, else `127.0.0.1` */
  host: string;
  /**
   * Poll only this shard's messages (a stable hash of the message id); reads and receipts
   * serve every message. @defaultValue env `LEDGER_SHARD`, else all messages
   */
  shard?: Shard;
  /**
   * Run retention with the config file's policy this often, in milliseconds.
   * @defaultValue env `LEDGER_RETENTION_INTERVAL`, else never
   */
  retentionInterval?: number;
}

/** Adds `serve`: the HTTP API and polling over the store, until SIGINT or SIGTERM. */
export function addServeCommand(program: Command): void {
  const command = program
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
    );
  addStoreOptions(command)
    .addOption(
      new Option('--shard <index/count>', 'poll only this shard of the messages, such as 0/2')
        .env('LEDGER_SHARD')
        .argParser(parseShard),
    )
    .addOption(
      new Option('--retention-interval <duration>', 'run retention this often, such as 1h or 30m')
        .env('LEDGER_RETENTION_INTERVAL')
        .argParser(parseDuration),
    )
    .action((options: ServeOptions) => serve(options));
}

/**
 * Runs the server until SIGINT or SIGTERM, then stops taking requests, lets the polling run and
 * the retention run in flight finish, and closes the store.
 * @throws UsageError for a configuration that is wrong; any other error is a runtime failure
 */
export async function serve(options: ServeOptions): Promise<void> {
  const config = options.config === undefined ? {} : await loadConfig(options.config);
  if (options.retentionInterval !== undefined && config.retention === undefined) {
    throw new UsageError(
      '--retention-interval: expected a retention policy in the config file, got none',
    );
  }
  const logger = createLogger();
  const log = logger.child({ component: 'serve' });

  const { service, app, where } = await assemble(options, config, logger);
  const signals = watchShutdownSignals(log);
  let retention: RetentionSchedule | undefined;
  try {
    await service.init();
    const address = await app.listen({ port: options.port, host: options.host });
    service.start();
    if (options.retentionInterval !== undefined) {
      retention = scheduleRetention(service, options.retentionInterval, logger);
    }
    log.info({ address, ...where, shard: shardText(options.shard) }, 'serving');

    const signal = await signals.received;
    log.info({ signal }, 'shutting down');
    await app.close();
    log.info({}, 'HTTP server closed');
  } catch (error) {
    log.error({ err: error }, 'serve failed');
    throw error;
  } finally {
    await retention?.stop();
    await service.close();
    signals.dispose();
  }
  log.info({}, 'stopped');
}

/** The service and its HTTP server. @throws UsageError for a configuration that is wrong */
async function assemble(options: ServeOptions, config: LedgerConfig, logger: Logger) {
  // Loaded here, so that the other commands need not load fastify or prom-client.
  const { createHttpServer, createMetrics } = await import('../http/index.js');
  const metrics = createMetrics();
  const { service, where } = await createService(options, config, {
    logger,
    create: true,
    telemetry: metrics.telemetry,
    ...(options.shard !== undefined && { shard: options.shard }),
  });
  const { decimalHex: _decimalHex, ...receipts } = config.receipts ?? {};
  try {
    const app = createHttpServer({ service, logger, receipts, metrics: metrics.registry });
    return { service, app, where };
  } catch (error) {
    await service.close();
    if (error instanceof ValidationError) throw new UsageError(`config: ${error.message}`);
    throw error;
  }
}

function shardText(shard: Shard | undefined): string {
  return shard === undefined ? 'all' : `${shard.index}/${shard.count}`;
}
