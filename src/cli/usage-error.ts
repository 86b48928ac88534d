/**
 * A mistake in how the command was called: an option, an environment variable or the
 * configuration file. The command prints its message on one line and exits with code 2.
 */
export class UsageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UsageError';
  }
}
