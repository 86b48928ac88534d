/**
 * The logger delivery-ledger writes to: any pino-compatible logger. Each
 * component logs through its own child (`{ component: 'projection' }`).
 * Phone numbers and message text are never logged.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

const noop = () => {};

/** A logger that writes nothing: the library default. */
export const silentLogger: Logger = {
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLogger,
};
