import type { Command } from 'commander';
import { NotFoundError } from '../errors.js';
import { isTerminal } from '../machines/status.js';
import type { TrackingRecord } from '../projections/tracking-record.js';
import type { HistoryEntry } from '../service/delivery-tracking-service.js';
import { withService } from './open-service.js';
import { parseNonBlank, parseTime } from './option-parsers.js';
import { printJson, printLines, timeText } from './output.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';
import { formatTimeline } from './timeline.js';

/** The options of `delivery-ledger show`. */
export interface ShowOptions extends StoreOptions {
  /** Show the record as it stood at this time, and its history up to then. */
  at?: Date;
  /** Print `{ record, history }` as JSON. */
  json?: boolean;
}

/** Adds `show <messageId>`: a message's record and the timeline of its history. */
export function addShowCommand(program: Command): void {
  const command = program
    .command('show')
    .description("a message's record and the timeline of its history")
    .argument('<messageId>', 'the id of the message', parseNonBlank)
    .option(
      '--at <time>',
      'the record as it stood at this ISO time, such as 2026-11-30T10:00Z',
      parseTime,
    )
    .option('--json', 'print { record, history } as JSON');
  addStoreOptions(command).action((messageId: string, options: ShowOptions) =>
    show(messageId, options),
  );
}

/**
 * Prints the message's record, then its history. With `at`, both as they stood then.
 * @throws NotFoundError when no message has this id, or when it was not tracked yet at `at`
 */
export function show(messageId: string, options: ShowOptions): Promise<void> {
  return withService(options, async ({ service }) => {
    const history = await service.history(messageId);
    const record =
      options.at === undefined
        ? await service.getRecord(messageId)
        : await service.recordAt(messageId, options.at);

    if (record === undefined) throw notTracked(messageId, history, options.at);
    const shown = options.at === undefined ? history : upTo(history, options.at);
    if (options.json) return printJson({ record, history: shown });

    await printLines([
      ...formatRecord(record, options.at),
      '',
      `history (${shown.length} ${shown.length === 1 ? 'event' : 'events'})`,
      ...formatTimeline(shown),
    ]);
  });
}

function upTo(history: readonly HistoryEntry[], at: Date): HistoryEntry[] {
  return history.filter((entry) => entry.occurredAt.getTime() <= at.getTime());
}

function notTracked(
  messageId: string,
  history: readonly HistoryEntry[],
  at: Date | undefined,
): NotFoundError {
  const id = JSON.stringify(messageId);
  const first = history[0];
  if (at === undefined || first === undefined) {
    return new NotFoundError(`no tracked message has id ${id}`);
  }
  return new NotFoundError(
    `message ${id} was not tracked yet at ${at.toISOString()}: ` +
      `its first event is at ${first.occurredAt.toISOString()}`,
  );
}

/** The record as labelled lines; lines for what the record does not have are left out. */
function formatRecord(record: TrackingRecord, at: Date | undefined): string[] {
  const provider = [record.providerStatusCode, record.providerStatusMessage].filter(Boolean);
  const said = provider.length > 0 ? ` (provider: ${provider.join(' ')})` : '';
  const checks = [`${record.attemptCount}`];
  if (record.lastCheckedAt) checks.push(`last ${timeText(record.lastCheckedAt)}`);
  if (!isTerminal(record.status)) checks.push(`next ${timeText(record.nextCheckAt)}`);

  const fields: Array<[string, string | undefined]> = [
    ['message', record.messageId],
    ['as of', at?.toISOString()],
    ['status', `${record.status} since ${timeText(record.statusUpdatedAt)}${said}`],
    ['provider', `${record.providerId}, provider message id ${record.providerMessageId}`],
    ['type', record.type],
    ['to', record.to],
    ['from', record.from],
    ['requested at', timeText(record.requestedAt)],
    ['scheduled at', record.scheduledAt && timeText(record.scheduledAt)],
    ['sent at', record.sentAt && timeText(record.sentAt)],
    ['delivered at', record.deliveredAt && timeText(record.deliveredAt)],
    ['failed at', record.failedAt && timeText(record.failedAt)],
    ['checks', checks.join(', ')],
    ['last error', record.lastError && `${record.lastError.code}: ${record.lastError.message}`],
  ];
  const shown = fields.filter((field): field is [string, string] => field[1] !== undefined);
  const width = Math.max(...shown.map(([label]) => label.length));
  return shown.map(([label, value]) => `${label.padEnd(width)}  ${value}`);
}
