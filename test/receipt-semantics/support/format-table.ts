import { readFileSync } from 'node:fs';
import type { ReceiptIntakeOptions } from '../../../src/http/index.js';
import type { DeliveryStatus } from '../../../src/machines/status.js';
import type { ReceiptFormat } from '../../../src/receipts/index.js';

/** The statuses a receipt can report, that the semantics are checked with. */
export type ReportedStatus = 'SENT' | 'DELIVERED' | 'FAILED' | 'UNKNOWN';

/** The fixture payloads of a format, and what must become of the messages they report on. */
export interface FixtureCase {
  /** What the payloads are, in words. */
  readonly name: string;
  /** Posted one after the other, in this order. */
  readonly payloads: readonly string[];
  /**
   * The sends recorded before the payloads come, by provider message id as the send has it, and
   * the status each message must end in.
   */
  readonly expected: Readonly<Record<string, DeliveryStatus>>;
  /** What the items of all the payloads came to, for formats answered with outcomes. */
  readonly outcomes?: {
    readonly applied: number;
    readonly ignored: number;
    readonly pending: number;
    readonly rejected: number;
  };
}

/** A payload that cannot be read, and the dead letters it must leave. */
export interface MalformedCase {
  readonly name: string;
  readonly payload: string;
  /** One for each item that cannot be read: the text kept, and what its reason must say. */
  readonly deadLetters: readonly { readonly raw: string; readonly reason: string | RegExp }[];
  /** How many items of the payload can be read (and wait for their send). @defaultValue 0 */
  readonly readable?: number;
}

/**
 * One report format, as it arrives over HTTP: everything the shared suite needs to check the
 * receipt semantics for it. Payloads are built by editing the format's fixture payloads.
 */
export interface FormatTable {
  /** The format, and how it arrives when it can arrive two ways (`vonage, GET query`). */
  readonly name: string;
  readonly format: ReceiptFormat;
  /** The provider named in the query; the sends are recorded for it. */
  readonly providerId: string;
  readonly method: 'GET' | 'POST';
  readonly contentType?: string;
  /** False for Jasmin, which is answered `ACK/Jasmin` rather than with each item's outcome. */
  readonly answersOutcomes: boolean;
  /** The statuses the format can report. */
  readonly reports: readonly ReportedStatus[];
  /** A provider message id in the format's own style, by number. */
  readonly id: (n: number) => string;
  /** One receipt for `id` that reports `status`, `minute` minutes after T0. */
  readonly receipt: (id: string, status: ReportedStatus, minute: number) => string;
  readonly fixtures: readonly FixtureCase[];
  readonly malformed: readonly MalformedCase[];
  /** How the server reads the format's payloads (a signature to check, say). */
  readonly receipts?: ReceiptIntakeOptions;
  /** The headers a request needs besides its content type (a signature, say). */
  readonly headers?: (path: string, payload: string) => Record<string, string>;
}

const FIXTURES = new URL('../../receipts/fixtures/', import.meta.url);

/** A delivery report fixture's text. */
export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The lines of a fixture that are neither blank nor `#` comments. */
export function fixtureLines(name: string): string[] {
  return readFixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** A JSON fixture, parsed. */
export function fixtureJson<T>(name: string): T {
  return JSON.parse(readFixture(name)) as T;
}

/** The `n`-th item of a list, failing with a clear message when the fixture has fewer. */
export function nth<T>(items: readonly T[], n: number): T {
  const item = items[n];
  if (item === undefined) throw new Error(`expected a fixture item at ${n}, got ${items.length}`);
  return item;
}

/** Form fields with some replaced, in their order, as a provider would send them. */
export function editForm(form: string, changes: Readonly<Record<string, string>>): string {
  const fields = new URLSearchParams(form);
  for (const [name, value] of Object.entries(changes)) fields.set(name, value);
  return fields.toString();
}
