import { once } from 'node:events';

/**
 * Writes the command's output to stdout, and waits while the pipe is full, so that a long
 * listing reaches a slow reader whole before the process exits.
 */
export async function print(text: string): Promise<void> {
  if (!process.stdout.write(text)) await once(process.stdout, 'drain');
}

/** Prints lines of text, each ended by a newline. */
export function printLines(lines: readonly string[]): Promise<void> {
  return print(lines.map((line) => `${line}\n`).join(''));
}

/** Prints a value as indented JSON: dates as ISO times. */
export function printJson(value: unknown): Promise<void> {
  return print(`${JSON.stringify(value, null, 2)}\n`);
}

/** An ISO time, or a dash for none. */
export function timeText(date: Date | undefined): string {
  return date === undefined ? '-' : date.toISOString();
}

/** A share as a percentage with one decimal, or a dash when there is nothing to share. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '-' : `${((100 * part) / whole).toFixed(1)}%`;
}
