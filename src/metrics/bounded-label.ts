/** The value a label takes once it has seen too many others. */
export const OTHER_LABEL = 'other';

/**
 * Keeps a label's values few: the first `max` distinct values pass as they are (shortened to
 * 64 characters), any value after them becomes `other`. For values that come from outside, such
 * as a provider's error codes, so that a provider inventing codes cannot grow the metrics
 * without bound.
 */
export class BoundedLabel {
  readonly #max: number;
  readonly #seen = new Set<string>();

  constructor(max: number) {
    this.#max = max;
  }

  /** The label value for `value`. */
  of(value: string): string {
    const text = value.slice(0, 64);
    if (this.#seen.has(text)) return text;
    if (this.#seen.size >= this.#max) return OTHER_LABEL;
    this.#seen.add(text);
    return text;
  }
}
