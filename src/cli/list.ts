import { type Command, Option } from 'commander';
import type { DeliveryStatus } from '../machines/status.js';
import type { RecordFilter, RecordOrderBy } from '../projections/record-filter.js';
import type { TrackingRecord } from '../projections/tracking-record.js';
import { withService } from './open-service.js';
import {
  parseCount,
  parseList,
  parseNonBlank,
  parseStatuses,
  parseTime,
} from './option-parsers.js';
import { printJson, printLines, timeText } from './output.js';
import { addStoreOptions, type StoreOptions } from './store-options.js';
import { formatTable } from './table.js';
import { UsageError } from './usage-error.js';

/** The options of `delivery-ledger list`. */
export interface ListCommandOptions extends StoreOptions {
  status?: DeliveryStatus[];
  provider?: string[];
  type?: string[];
  /** The recipient's number, as recorded. */
  recipient?: string;
  /** The sender's number, as recorded. */
  sender?: string;
  /** Requested at or after. */
  requestedFrom?: Date;
  /** Requested at or before. */
  requestedTo?: Date;
  /** @defaultValue 50 */
  limit: number;
  /** @defaultValue 0 */
  offset: number;
  /** @defaultValue `requestedAt` */
  orderBy: RecordOrderBy;
  /** Oldest first. @defaultValue newest first */
  asc?: boolean;
  json?: boolean;
}

/** Adds `list`: the records that match filters, as a table or JSON. */
export function addListCommand(program: Command): void {
  const command = program
    .command('list')
    .description('the records that match the filters, newest first')
    .option('--status <statuses>', 'only these statuses, such as delivered,failed', parseStatuses)
    .option('--provider <ids>', 'only these provider ids, separated by commas', parseList)
    .option('--type <types>', 'only these message types, such as SMS,ALIMTALK', parseList)
    .option('--recipient <number>', "only messages to this number (the record's to)", parseNonBlank)
    .option(
      '--sender <number>',
      "only messages from this number (the record's from)",
      parseNonBlank,
    )
    .option(
      '--requested-from <time>',
      'only messages requested at or after this ISO time',
      parseTime,
    )
    .option(
      '--requested-to <time>',
      'only messages requested at or before this ISO time',
      parseTime,
    )
    .addOption(new Option('--limit <n>', 'most records to print').argParser(parseCount).default(50))
    .addOption(new Option('--offset <n>', 'records to skip first').argParser(parseCount).default(0))
    .addOption(
      new Option('--order-by <field>', 'the time to order by')
        .choices(['requestedAt', 'statusUpdatedAt'])
        .default('requestedAt'),
    )
    .option('--asc', 'oldest first')
    .option('--json', 'print the records as a JSON array');
  addStoreOptions(command).action((options: ListCommandOptions) => list(options));
}

const COLUMNS = [
  { heading: 'message' },
  { heading: 'status' },
  { heading: 'provider' },
  { heading: 'type' },
  { heading: 'requested at' },
  { heading: 'status updated at' },
  { heading: 'checks', align: 'right' as const },
];

/**
 * Prints the records that match, a page of them, with how many match in all.
 * @throws UsageError when `requestedFrom` is after `requestedTo`
 */
export async function list(options: ListCommandOptions): Promise<void> {
  const filter = filterOf(options);
  const { limit, offset } = options;
  const order = { orderBy: options.orderBy, orderDirection: options.asc ? 'asc' : 'desc' } as const;

  return withService(options, async ({ service }) => {
    const records = await service.listRecords({ ...filter, limit, offset, ...order });
    if (options.json) return printJson(records);

    const total = await service.countRecords(filter);
    if (records.length === 0) {
      return printLines([
        total === 0 ? 'no records match' : `no records after the first ${offset}`,
      ]);
    }
    const count = `${offset + 1}-${offset + records.length} of ${total}`;
    await printLines([
      ...formatTable(COLUMNS, records.map(rowOf)),
      `${count} ${total === 1 ? 'record' : 'records'}`,
    ]);
  });
}

function filterOf(options: ListCommandOptions): RecordFilter {
  const { requestedFrom, requestedTo } = options;
  if (requestedFrom && requestedTo && requestedFrom.getTime() > requestedTo.getTime()) {
    throw new UsageError(
      `--requested-from: expected a time before --requested-to (${requestedTo.toISOString()}), ` +
        `got ${requestedFrom.toISOString()}`,
    );
  }
  return {
    ...(options.status && { status: options.status }),
    ...(options.provider && { providerId: options.provider }),
    ...(options.type && { type: options.type }),
    ...(options.recipient !== undefined && { to: options.recipient }),
    ...(options.sender !== undefined && { from: options.sender }),
    ...(requestedFrom && { requestedAtFrom: requestedFrom }),
    ...(requestedTo && { requestedAtTo: requestedTo }),
  };
}

function rowOf(record: TrackingRecord): string[] {
  return [
    record.messageId,
    record.status,
    record.providerId,
    record.type,
    timeText(record.requestedAt),
    timeText(record.statusUpdatedAt),
    String(record.attemptCount),
  ];
}
