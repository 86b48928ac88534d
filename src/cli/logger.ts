import { pino } from 'pino';
import type { Logger } from '../logger.js';
import { UsageError } from './usage-error.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/** Where a command's log goes, and at what level when `LOG_LEVEL` does not say. */
export interface LogOptions {
  /**
   * `stdout` for `serve`, whose output is its log; `stderr` for the commands whose output is
   * on stdout, so that the log never mixes with it.
   * @defaultValue `stdout`
   */
  readonly to?: 'stdout' | 'stderr';
  /** @defaultValue `info` */
  readonly defaultLevel?: string;
}

/**
 * The command's logger: pino, writing JSON lines, at the level of `LOG_LEVEL`.
 * @throws UsageError when `LOG_LEVEL` is not a pino level
 */
export function createLogger(
  env: NodeJS.ProcessEnv = process.env,
  options: LogOptions = {},
): Logger {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || (options.defaultLevel ?? 'info');
  if (!LEVELS.includes(level)) {
    throw new UsageError(
      `LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`,
    );
  }
  const settings = { name: 'delivery-ledger', level };
  return options.to === 'stderr' ? pino(settings, process.stderr) : pino(settings);
}
