import type { ReceiptFormat } from '../receipts/index.js';
import { UsageError } from './usage-error.js';

/**
 * How a file of one format is cut into the payloads its provider would have sent:
 * - `lines`: one payload a line (an SMPP receipt line, or a callback's form fields or query
 *   string).
 * - `json`: the whole file is one payload when it is one JSON document; otherwise it is JSON
 *   lines, one payload a line.
 * - `json-or-lines`: the whole file is one payload when it is one JSON document (an object or
 *   an array of receipts); otherwise one payload a line, each JSON or a query string.
 *
 * Read a line at a time, blank lines and lines starting with `#` are skipped: no payload of any
 * format starts with `#`.
 */
export type FileLayout = 'lines' | 'json' | 'json-or-lines';

/** The layout of each format's files. */
export const FILE_LAYOUTS: Readonly<Record<ReceiptFormat, FileLayout>> = {
  smpp: 'lines',
  twilio: 'lines',
  jasmin: 'lines',
  kannel: 'lines',
  vonage: 'json-or-lines',
  infobip: 'json',
  'aws-sms': 'json',
  solapi: 'json',
};

/** One payload of a file: its text, and the line it is on (none for the whole file). */
export interface FilePayload {
  readonly body: string;
  readonly line?: number;
}

/**
 * Cuts a file's text into payloads, as {@link FILE_LAYOUTS} says for the format.
 * @throws UsageError when there is no payload, or a JSON file is neither one JSON document nor
 *   JSON lines (its first line does not parse): nothing of it is taken then
 */
export function payloadsOfFile(format: ReceiptFormat, text: string): FilePayload[] {
  const content = text.replace(/^\uFEFF/, '');
  const layout = FILE_LAYOUTS[format];
  const payloads = layout !== 'lines' && isJson(content) ? [{ body: content }] : linesOf(content);

  if (payloads.length === 0) {
    throw new UsageError(`expected ${format} receipts in the file, found none`);
  }
  if (layout === 'json' && payloads[0]?.line !== undefined && !isJson(payloads[0].body)) {
    // Not a word of the file is quoted: it may hold phone numbers.
    throw new UsageError(
      `expected a JSON document or JSON lines for ${format}, but line ${payloads[0].line} is ` +
        'not JSON',
    );
  }
  return payloads;
}

function linesOf(content: string): FilePayload[] {
  const payloads: FilePayload[] = [];
  for (const [index, line] of content.split(/\r\n|\r|\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    payloads.push({ body: line, line: index + 1 });
  }
  return payloads;
}

function isJson(text: string): boolean {
  if (text.trim() === '') return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
