/**
 * A min-heap of (time, message id), ordered by time and then id: the
 * in-memory index of due checks. An
 * entry is only a hint; the caller says whether it is still current, and
 * stale ones are dropped as they surface, so rescheduling never searches.
 */
export class DueQueue {
  readonly #times: number[] = [];
  readonly #ids: string[] = [];

  get size(): number {
    return this.#ids.length;
  }

  schedule(messageId: string, at: number): void {
    this.#times.push(at);
    this.#ids.push(messageId);
    this.#up(this.#ids.length - 1);
  }

  /**
   * The ids due at or before `now`, earliest first, at most `limit`. `judge`
   * says of each entry whether to take it, skip it (it stays queued, like
   * the ones taken) or drop it as stale.
   */
  takeDue(
    now: number,
    limit: number,
    judge: (id: string, at: number) => 'take' | 'skip' | 'stale',
  ): string[] {
    const kept: Array<[number, string]> = [];
    const taken: string[] = [];
    const seen = new Set<string>();
    while (taken.length < limit && this.#ids.length > 0 && this.#times[0]! <= now) {
      const at = this.#times[0]!;
      const id = this.#ids[0]!;
      this.#pop();
      if (seen.has(id)) continue;
      const verdict = judge(id, at);
      if (verdict === 'stale') continue;
      seen.add(id);
      kept.push([at, id]);
      if (verdict === 'take') taken.push(id);
    }
    for (const [at, id] of kept) this.schedule(id, at);
    return taken;
  }

  #pop(): void {
    const lastTime = this.#times.pop()!;
    const lastId = this.#ids.pop()!;
    if (this.#ids.length === 0) return;
    this.#times[0] = lastTime;
    this.#ids[0] = lastId;
    this.#down(0);
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) return;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#ids.length;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = i;
      if (left < n && this.#before(left, least)) least = left;
      if (right < n && this.#before(right, least)) least = right;
      if (least === i) return;
      this.#swap(i, least);
      i = least;
    }
  }

  #before(a: number, b: number): boolean {
    const ta = this.#times[a]!;
    const tb = this.#times[b]!;
    return ta < tb || (ta === tb && this.#ids[a]! < this.#ids[b]!);
  }

  #swap(a: number, b: number): void {
    [this.#times[a], this.#times[b]] = [this.#times[b]!, this.#times[a]!];
    [this.#ids[a], this.#ids[b]] = [this.#ids[b]!, this.#ids[a]!];
  }
}
