import type { Logger } from '../logger.js';

const SHUTDOWN_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** The signal that asked the process to stop. */
export type ShutdownSignal = (typeof SHUTDOWN_SIGNALS)[number];

/** A watch for SIGINT and SIGTERM, from the moment it is made until it is disposed of. */
export interface ShutdownWatch {
  /** Resolves with the first SIGINT or SIGTERM. */
  readonly received: Promise<ShutdownSignal>;
  /** Stops watching, and gives the signals back to their default handling. */
  dispose(): void;
}

/**
 * Watches for SIGINT and SIGTERM. A signal that comes while the server is still starting is
 * kept, and stops it once started. A second signal, while the shutdown runs, ends the process
 * at once with code 1.
 */
export function watchShutdownSignals(log: Logger): ShutdownWatch {
  let resolveReceived: (signal: ShutdownSignal) => void = () => {};
  const received = new Promise<ShutdownSignal>((resolve) => {
    resolveReceived = resolve;
  });
  const again = (signal: ShutdownSignal) => {
    log.warn({ signal }, 'second signal during shutdown: exiting at once');
    process.exit(1);
  };
  const first = (signal: ShutdownSignal) => {
    for (const name of SHUTDOWN_SIGNALS) process.off(name, first).once(name, again);
    resolveReceived(signal);
  };
  for (const name of SHUTDOWN_SIGNALS) process.once(name, first);

  return {
    received,
    dispose() {
      for (const name of SHUTDOWN_SIGNALS) process.off(name, first).off(name, again);
    },
  };
}
