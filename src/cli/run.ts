import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { UsageError } from './usage-error.js';

/** Exit codes of the `delivery-ledger` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/**
 * Runs the command line `argv` (as `process.argv`) and answers the exit code: 0 when done, 2
 * for a mistake in options or configuration, 1 for a failure at run time. Each error is one line
 * on stderr.
 */
export async function run(argv: readonly string[]): Promise<number> {
  try {
    await createProgram().parseAsync([...argv]);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has written the message already; help and version end with code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${oneLine(error.message)}\n`);
      return EXIT.usage;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`error: ${oneLine(message)}\n`);
    return EXIT.failure;
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}
