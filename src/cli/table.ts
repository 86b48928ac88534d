/** How a column's cells line up. */
export type Align = 'left' | 'right';

/** A column of a text table: its heading, and how its cells line up. @defaultValue left */
export interface Column {
  readonly heading: string;
  readonly align?: Align;
}

/**
 * Lays out rows as a text table: a heading line, then one line per row, columns two spaces
 * apart, each as wide as its widest cell. Trailing spaces are trimmed.
 */
export function formatTable(columns: readonly Column[], rows: readonly string[][]): string[] {
  const widths = columns.map((column, i) =>
    Math.max(column.heading.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    columns
      .map((column, i) => {
        const cell = cells[i] ?? '';
        const width = widths[i]!;
        return column.align === 'right' ? cell.padStart(width) : cell.padEnd(width);
      })
      .join('  ')
      .trimEnd();

  return [line(columns.map((column) => column.heading)), ...rows.map(line)];
}
