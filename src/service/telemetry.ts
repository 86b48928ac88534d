/**
 * What the service reports as it works, for metrics. Every method is
 * optional; the service never waits for them and ignores what they throw.
 */
export interface Telemetry {
  /** One check of one message, by what came of it (`status`, `error`, …) and the error code. */
  checkCompleted?(result: { kind: string; errorCode?: string }): void;
  /** One receipt, by format and outcome (`applied`, `ignored`, `pending`, `rejected`). */
  receiptIngested?(result: { format: string; outcome: string }): void;
  /** One status change the projection applied. */
  statusChanged?(change: { status: string }): void;
  /** How long one append took, in seconds. */
  appendDuration?(seconds: number): void;
  /** How far the projection is behind the newest event it was asked to reach, in seconds. */
  projectionLag?(seconds: number): void;
}

/** Calls a telemetry hook, so that a broken one can never break the service. */
export function report<K extends keyof Telemetry>(
  telemetry: Telemetry | undefined,
  key: K,
  ...args: Parameters<NonNullable<Telemetry[K]>>
): void {
  const hook = telemetry?.[key] as ((...a: unknown[]) => void) | undefined;
  if (!hook) return;
  try {
    hook.apply(telemetry, args);
  } catch {
    // Metrics are best effort.
  }
}
