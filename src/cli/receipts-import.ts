import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import {
  isReceiptFormat,
  type ParsedItem,
  type ParseReceiptOptions,
  parseReceiptPayload,
  RECEIPT_FORMATS,
  type ReceiptFormat,
} from '../receipts/index.js';
import {
  type ItemPlaces,
  ingestItems,
  type ReceiptIntakeAnswer,
  type ReceiptItemResult,
} from '../service/payload-intake.js';
import type { LedgerConfig } from './config-file.js';
import { withService } from './open-service.js';
import { parseNonBlank } from './option-parsers.js';
import { printLines } from './output.js';
import { progressBar, rateText } from './progress.js';
import { type FilePayload, payloadsOfFile } from './receipt-file.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';
import { UsageError } from './usage-error.js';

/** The options of `delivery-ledger receipts import`. */
export interface ImportOptions extends StoreOptions {
  /** The provider the receipts are about. @defaultValue the format's name */
  provider?: string;
}

/** Receipts taken in one call of the service path, between two updates of the bar. */
const BATCH = 100;
/** Rejected receipts listed by line; the rest are counted. */
const REJECTIONS_SHOWN = 20;

const FILE_HELP = `
How the file is read, by format:
  smpp                   one receipt line a line (id:... stat:...)
  twilio, jasmin, kannel one callback a line, as its form body or query string (name=value&...)
  vonage                 one JSON document (an object or an array of receipts), or one
                         receipt a line, as a JSON object or a query string
  infobip                one JSON document ({ "results": [...] }), or JSON lines, one such
                         payload a line
  aws-sms, solapi        one JSON document (an event or an array of them), or JSON lines
Read a line at a time, blank lines and lines starting with # are skipped.

Each receipt goes through the same path as POST /v1/receipts/<format>: a repeated receipt has one
effect, so that a file can be imported again after a failure; one that cannot be read is kept
in the dead-letter stream, once each time it is read. Dates without a zone are read with the config file's
receipts.timeZoneOffsetMinutes; Vonage signatures are not checked (the file is your own).`;

/** Adds `receipts import <format> <file>`: feeds a file of delivery reports to the service. */
export function addReceiptsCommand(program: Command): void {
  const receipts = program.command('receipts').description('delivery reports');
  const command = receipts
    .command('import')
    .description('take a file of delivery reports, as if the provider had sent them')
    .argument('<format>', `the report format: ${Object.keys(RECEIPT_FORMATS).join(', ')}`)
    .argument('<file>', 'the file of reports')
    .option(
      '--provider <id>',
      "the provider they are about (default: the format's name)",
      parseNonBlank,
    )
    .addHelpText('after', FILE_HELP);
  addStoreOptions(command).action((format: string, file: string, options: ImportOptions) =>
    importReceipts(format, file, options),
  );
}

/**
 * Takes every receipt of the file, in order, with a progress bar on stderr, and prints how
 * many were applied, ignored, pending and rejected.
 * @throws UsageError for an unknown format, a file that is not there, or one in another layout
 */
export async function importReceipts(
  format: string,
  file: string,
  options: ImportOptions,
): Promise<void> {
  if (!isReceiptFormat(format)) {
    const known = Object.keys(RECEIPT_FORMATS).join(', ');
    throw new UsageError(`expected a report format among ${known}, got ${JSON.stringify(format)}`);
  }
  const path = resolve(file);
  const payloads = payloadsOfFile(format, await readReceiptFile(path));
  const providerId = options.provider ?? format;

  await withService(options, async ({ service, config, logger }) => {
    const { items, places } = parsePayloads(format, payloads, parseOptions(config, providerId));
    const log = logger.child({ component: 'receipts-import' });
    const intake = { format, providerId, log };
    const bar = progressBar('receipts');
    const started = performance.now();
    const total = emptyAnswer();

    try {
      for (let start = 0; start < items.length; start += BATCH) {
        const end = Math.min(start + BATCH, items.length);
        const batch = items.slice(start, end);
        const answer = await ingestItems(service, batch, places.slice(start, end), intake);
        addTo(total, answer);
        bar.update(end, items.length);
      }
    } finally {
      bar.stop();
    }
    const elapsed = performance.now() - started;
    log.info({ format, providerId, ...counts(total) }, 'receipts imported');
    await printLines(summary(total, { path, format, providerId, elapsed }));
  });
}

async function readReceiptFile(path: string): Promise<string> {
  const found = await stat(path).catch(() => undefined);
  if (found === undefined) throw new UsageError(`<file>: no file at ${path}`);
  if (!found.isFile()) {
    const got = found.isDirectory() ? 'a directory' : 'something else';
    throw new UsageError(`<file>: expected a file, got ${got} at ${path}`);
  }
  return readFile(path, 'utf8');
}

function parseOptions(config: LedgerConfig, providerId: string): ParseReceiptOptions {
  const offset = config.receipts?.timeZoneOffsetMinutes;
  return { providerId, ...(offset !== undefined && { timeZoneOffsetMinutes: offset }) };
}

/** The items of every payload, each with its place: its line, or its index in the document. */
function parsePayloads(
  format: ReceiptFormat,
  payloads: readonly FilePayload[],
  options: ParseReceiptOptions,
): { items: ParsedItem[]; places: ItemPlaces } {
  const items: ParsedItem[] = [];
  const places: Array<ItemPlaces[number]> = [];
  for (const payload of payloads) {
    let parsed: ParsedItem[];
    try {
      parsed = parseReceiptPayload(format, { body: payload.body }, options);
    } catch (error) {
      // Only an option out of range makes a parser throw.
      if (error instanceof ValidationError) throw new UsageError(`config: ${error.message}`);
      throw error;
    }
    for (const [index, item] of parsed.entries()) {
      items.push(item);
      places.push(payload.line === undefined ? { index } : { line: payload.line });
    }
  }
  return { items, places };
}

function emptyAnswer(): ReceiptIntakeAnswer {
  return { results: [], applied: 0, ignored: 0, pending: 0, rejected: 0 };
}

/** Adds an answer's counts to the total, and keeps its rejected results for the summary. */
function addTo(total: ReceiptIntakeAnswer, answer: ReceiptIntakeAnswer): void {
  total.applied += answer.applied;
  total.ignored += answer.ignored;
  total.pending += answer.pending;
  total.rejected += answer.rejected;
  total.results.push(...answer.results.filter((result) => result.outcome === 'rejected'));
}

function counts({ applied, ignored, pending, rejected }: ReceiptIntakeAnswer) {
  return { applied, ignored, pending, rejected };
}

function summary(
  total: ReceiptIntakeAnswer,
  run: { path: string; format: string; providerId: string; elapsed: number },
): string[] {
  const all = total.applied + total.ignored + total.pending + total.rejected;
  const { applied, ignored, pending, rejected } = total;
  const lines = [
    `imported ${run.path} (${run.format}, provider ${run.providerId}): ` +
      rateText(all, 'receipts', run.elapsed),
    `${applied} applied, ${ignored} ignored, ${pending} pending, ${rejected} rejected`,
  ];
  if (rejected === 0) return lines;

  lines.push('rejected, and kept as dead letters:');
  for (const result of total.results.slice(0, REJECTIONS_SHOWN)) {
    lines.push(`  ${placeText(result)}: ${result.reason ?? 'no reason given'}`);
  }
  if (rejected > REJECTIONS_SHOWN) lines.push(`  and ${rejected - REJECTIONS_SHOWN} more`);
  return lines;
}

function placeText(result: ReceiptItemResult): string {
  return result.line === undefined ? `item ${result.index ?? 0}` : `line ${result.line}`;
}
