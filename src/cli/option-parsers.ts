import { InvalidArgumentError } from 'commander';

/** Reads a TCP port: a whole number from 0 (any free port) to 65535. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isInteger(port) || port > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535.');
  }
  return port;
}

/** Reads a text option that may not be blank. */
export function parseNonBlank(text: string): string {
  if (text.trim() === '') throw new InvalidArgumentError('expected a non-empty value.');
  return text;
}
