import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { ParsedItem, Receipt } from '../../src/receipts/receipt.js';

const FIXTURES = new URL('./fixtures/', import.meta.url);

/** A fixture file's text. */
export function readFixture(name: string): string {
  return readFileSync(new URL(name, FIXTURES), 'utf8');
}

/** The lines of a fixture file that are neither blank nor `#` comments. */
export function fixtureLines(name: string): string[] {
  return readFixture(name)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('#'));
}

/** What a test expects of a receipt: every field but `raw`, which is checked apart. */
export type ExpectedReceipt = Omit<Receipt, 'raw'>;

/** The receipt of an item that must have been read, failing the test with its reason if not. */
export function receiptOf(item: ParsedItem | undefined): Receipt {
  if (item === undefined) throw new Error('expected an item, got none');
  if (!item.ok) throw new Error(`expected a receipt, got a rejection: ${item.reason}`);
  return item.receipt;
}

/** The reason of an item that must have been rejected. */
export function reasonOf(item: ParsedItem | undefined): string {
  if (item === undefined) throw new Error('expected an item, got none');
  if (item.ok) throw new Error(`expected a rejection, got a receipt for ${item.receipt.status}`);
  return item.reason;
}

/**
 * Checks a receipt against what is expected, field by field and with no field more: an absent
 * error code or time must be absent, not merely undefined.
 */
export function expectReceipt(item: ParsedItem | undefined, expected: ExpectedReceipt): void {
  const { raw: _raw, ...receipt } = receiptOf(item);
  expect(receipt).toStrictEqual(expected);
}

/** A UTC time, written as an ISO string for readability. */
export function utc(iso: string): Date {
  return new Date(iso);
}
