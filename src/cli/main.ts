#!/usr/bin/env node
/** The `delivery-ledger` executable. */
import { run } from './run.js';

// Output piped into a reader that stops early (`watch | head`) ends the command quietly.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exit(await run(process.argv));
