import { Presets, SingleBar } from 'cli-progress';

/** How far a long command has come. */
export interface Progress {
  /** Done so far, out of `total` (which may grow), or with no total where none is known. */
  update(done: number, total?: number): void;
  /** Takes the bar off the screen's last line, leaving it as it ended. */
  stop(): void;
}

/**
 * A progress bar on stderr, labelled with what is counted (`events`, `receipts`); without a
 * total, a running count. When stderr is not a terminal (a pipe, a log file) there is no bar:
 * the command prints its summary alone.
 */
export function progressBar(unit: string, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return { update() {}, stop() {} };

  let bar: SingleBar | undefined;
  return {
    update(done, total) {
      if (bar === undefined) {
        const format =
          total === undefined
            ? `{value} ${unit} | {duration_formatted}`
            : `{bar} {percentage}% | {value}/{total} ${unit} | {eta_formatted} left`;
        bar = new SingleBar(
          { stream, format, hideCursor: true, etaBuffer: 50 },
          Presets.shades_classic,
        );
        bar.start(total ?? 0, done);
        return;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      bar?.stop();
    },
  };
}

/** `1234 events in 2.5 s (494 events/s)`: how much was done, and how fast. */
export function rateText(count: number, unit: string, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(count / seconds) : count;
  return `${count} ${unit} in ${seconds.toFixed(1)} s (${rate} ${unit}/s)`;
}
