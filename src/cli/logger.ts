import { pino } from 'pino';
import type { Logger } from '../logger.js';
import { UsageError } from './usage-error.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

/**
 * The command's logger: pino, writing JSON lines to stdout, at the level of `LOG_LEVEL`.
 * @defaultValue level `info`
 * @throws UsageError when `LOG_LEVEL` is not a pino level
 */
export function createLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const level = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!LEVELS.includes(level)) {
    throw new UsageError(
      `LOG_LEVEL: expected one of ${LEVELS.join(', ')}, got ${JSON.stringify(env.LOG_LEVEL)}`,
    );
  }
  return pino({ name: 'delivery-ledger', level });
}
