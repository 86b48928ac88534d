import { ValidationError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Shard } from '../projections/projection-store.js';
import { DeliveryTrackingService } from '../service/delivery-tracking-service.js';
import type { Telemetry } from '../service/telemetry.js';
import { type LedgerConfig, loadConfig } from './config-file.js';
import { createLogger } from './logger.js';
import { openStores } from './open-stores.js';
import type { StoreOptions } from './store-options.js';
import { UsageError } from './usage-error.js';

/** How a command opens the service. */
export interface OpenServiceOptions {
  readonly logger: Logger;
  /** Poll only this shard's messages. @defaultValue all of them */
  readonly shard?: Shard;
  /** Whether a SQLite database that is not there may be made. @defaultValue false */
  readonly create?: boolean;
  /** Hooks that count what the service does, for /metrics. */
  readonly telemetry?: Telemetry;
}

/** The service, and where its store is, for the log: file names and hosts, never a password. */
export interface OpenedService {
  readonly service: DeliveryTrackingService;
  readonly where: Readonly<Record<string, string>>;
}

/**
 * The service on the store the options name (see `openStores`). Every setting of the
 * configuration is passed on, so that each command sees the messages as `serve` does.
 * @throws UsageError for a connection string, database file or configuration that is wrong
 */
export async function createService(
  options: StoreOptions,
  config: LedgerConfig,
  { logger, shard, create = false, telemetry }: OpenServiceOptions,
): Promise<OpenedService> {
  const { where, ...stores } = await openStores(options, create);
  const { decimalHex = [] } = config.receipts ?? {};
  try {
    const service = new DeliveryTrackingService({
      ...stores,
      logger,
      ...(config.providers !== undefined && { providers: config.providers }),
      ...(config.apiFailover !== undefined && { apiFailover: config.apiFailover }),
      polling: { unknownProviderStrategy: 'wait', ...config.polling },
      receiptMatching: Object.fromEntries(decimalHex.map((id) => [id, { decimalHex: true }])),
      ...(config.retention !== undefined && { retention: config.retention }),
      ...(config.unmatchedReceiptTtlMs !== undefined && {
        unmatchedReceiptTtlMs: config.unmatchedReceiptTtlMs,
      }),
      ...(shard !== undefined && { shard }),
      ...(telemetry !== undefined && { telemetry }),
    });
    return { service, where };
  } catch (error) {
    await stores.projectionStore?.close();
    await stores.eventStore.close();
    if (error instanceof ValidationError) throw new UsageError(`config: ${error.message}`);
    throw error;
  }
}

/** What a one-shot command is given: the service, caught up, and what opened it. */
export interface CommandContext {
  readonly service: DeliveryTrackingService;
  readonly config: LedgerConfig;
  readonly logger: Logger;
}

/**
 * Opens the service for a command that is not `serve`, catches its projections up, hands it to
 * `use`, and closes it however `use` ends. The log goes to stderr, at `error` unless `LOG_LEVEL`
 * says otherwise, so that stdout holds the command's output alone.
 */
export async function withService<T>(
  options: StoreOptions,
  use: (context: CommandContext) => Promise<T>,
): Promise<T> {
  const config = options.config === undefined ? {} : await loadConfig(options.config);
  const logger = createLogger(process.env, { to: 'stderr', defaultLevel: 'error' });
  const { service } = await createService(options, config, { logger });
  try {
    await service.init();
    return await use({ service, config, logger });
  } finally {
    await service.close().catch((error: unknown) => {
      logger.warn({ err: error }, 'closing the store failed');
    });
  }
}
