import { expect } from 'vitest';
import type { ReceiptItemResult } from '../../../src/http/index.js';
import { JASMIN_ACK_BODY } from '../../../src/receipts/index.js';
import type { FormatTable, ReportedStatus } from './format-table.js';
import { type LedgerApi, type PostAnswer, receiptPath } from './ledger-api.js';

/** A format's table bound to a running ledger: sends and receipts by message number. */
export class FormatHarness {
  readonly table: FormatTable;
  readonly api: LedgerApi;
  /** Added to each message number, so that tests sharing a ledger use different messages. */
  readonly #base: number;

  constructor(table: FormatTable, api: LedgerApi, base = 0) {
    this.table = table;
    this.api = api;
    this.#base = base;
  }

  /** Our id of message `n`. */
  messageId(n: number): string {
    return `${this.table.format}-message-${this.#base + n}`;
  }

  /** The provider's id of message `n`, in the format's style. */
  id(n: number): string {
    return this.table.id(this.#base + n);
  }

  /** Records the send of message `n`, by default with the provider's id of it. */
  send(n: number, providerMessageId = this.id(n)): Promise<void> {
    return this.api.recordSend(this.messageId(n), this.table.providerId, providerMessageId);
  }

  /** A receipt of message `n`, by default for the provider's id of it. */
  receipt(n: number, status: ReportedStatus, minute: number, id = this.id(n)): string {
    return this.table.receipt(id, status, minute);
  }

  /** The receipts waiting for a send of provider message id `id`. */
  async waiting(id: string) {
    const all = await this.api.service.listUnmatchedReceipts({ limit: 1000 });
    return all.filter((r) => r.providerId === this.table.providerId && r.providerMessageId === id);
  }

  /** Sends a payload as the provider does, with the headers the format needs. */
  post(payload: string, headers?: Record<string, string>): Promise<PostAnswer> {
    const { format, providerId, method, contentType } = this.table;
    const path = receiptPath(format, providerId);
    return this.api.postReceipt({
      format,
      providerId,
      method,
      payload,
      ...(contentType !== undefined && { contentType }),
      headers: headers ?? this.table.headers?.(path, payload) ?? {},
    });
  }

  /**
   * Sends a payload and checks that it was taken as the provider needs (200, and `ACK/Jasmin`
   * for Jasmin). Gives what became of each item, for the formats whose answer says so.
   */
  async deliver(payload: string): Promise<ReceiptItemResult[] | undefined> {
    const answer = await this.post(payload);
    expect(answer.status, answer.text).toBe(200);
    if (!this.table.answersOutcomes) {
      expect(answer.text).toBe(JASMIN_ACK_BODY);
      return undefined;
    }
    return answer.answer?.results;
  }

  /** Sends one receipt and gives what became of it, for the formats whose answer says so. */
  async deliverOne(payload: string): Promise<ReceiptItemResult | undefined> {
    const results = await this.deliver(payload);
    if (results === undefined) return undefined;
    expect(results).toHaveLength(1);
    return results[0];
  }
}

/**
 * Checks what became of a receipt, for formats whose answer says so; for the others (Jasmin)
 * the test checks the message's history instead.
 */
export function expectOutcome(
  result: ReceiptItemResult | undefined,
  table: FormatTable,
  expected: Partial<ReceiptItemResult>,
): void {
  if (!table.answersOutcomes) return;
  expect(result).toMatchObject(expected);
}

/** How many results had each outcome. */
export function countOutcomes(results: readonly ReceiptItemResult[]) {
  const count = (outcome: ReceiptItemResult['outcome']) =>
    results.filter((result) => result.outcome === outcome).length;
  return {
    applied: count('applied'),
    ignored: count('ignored'),
    pending: count('pending'),
    rejected: count('rejected'),
  };
}
