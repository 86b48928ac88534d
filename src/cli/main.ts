#!/usr/bin/env node
/** The `delivery-ledger` executable. */
import { run } from './run.js';

process.exit(await run(process.argv));
