/**
 * Settles like `operation`, or rejects with `timeout()` once `ms` have passed
 * (calling `onTimeout` to cancel the work), so that no call waits forever on
 * a node that accepted the connection but does not answer.
 */
export function withDeadline<T>(
  operation: Promise<T>,
  ms: number,
  timeout: () => Error,
  onTimeout?: () => void,
): Promise<T> {
  // Settling later (after the deadline) must not surface as an unhandled rejection.
  operation.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(timeout());
    }, ms);
  });
  return Promise.race([operation, expired]).finally(() => clearTimeout(timer));
}
