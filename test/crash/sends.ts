import type { DeliveryTrackingService } from '../../src/index.js';

/*
 * The messages a crash test tracks: message `m-<n>` went through provider `smsc` as provider
 * message id `<base + n>`, to a number that is never logged.
 */

export const PROVIDER = 'smsc';
export const FIRST_PROVIDER_ID = 40_000_000;
const RECIPIENT = '01055501234';

export function messageIdOf(n: number): string {
  return `m-${n}`;
}

export function providerMessageIdOf(n: number): string {
  return String(FIRST_PROVIDER_ID + n);
}

/** The body of `POST /v1/sends` for message `n`, requested at `at`. */
export function sendBody(n: number, at: Date) {
  const messageId = messageIdOf(n);
  return {
    context: { messageId, timestamp: at.toISOString(), options: { type: 'SMS', to: RECIPIENT } },
    result: {
      messageId,
      providerId: PROVIDER,
      providerMessageId: providerMessageIdOf(n),
      status: 'SENT',
      type: 'SMS',
      to: RECIPIENT,
    },
  };
}

/** Records the sends of messages 0 to count - 1 through the library, `chunk` at a time. */
export async function recordSends(
  service: DeliveryTrackingService,
  count: number,
  at: Date,
  chunk = 500,
): Promise<void> {
  for (let start = 0; start < count; start += chunk) {
    const end = Math.min(start + chunk, count);
    const bodies = Array.from({ length: end - start }, (_, i) => sendBody(start + i, at));
    await Promise.all(
      bodies.map(({ context, result }) =>
        service.recordSend({ ...context, timestamp: at.getTime() }, result),
      ),
    );
  }
}

/** Whether message `n` fails in these tests: every seventh does, the others are delivered. */
export function failsAt(n: number): boolean {
  return n % 7 === 3;
}

/** An SMPP delivery receipt for message `n`: DELIVRD, or UNDELIV for one that fails. */
export function smppReceiptOf(n: number): string {
  const stat = failsAt(n) ? 'UNDELIV err:001' : 'DELIVRD err:000';
  const dlvrd = failsAt(n) ? '000' : '001';
  return (
    `id:${providerMessageIdOf(n)} sub:001 dlvrd:${dlvrd} submit date:2611301000 ` +
    `done date:2611301005 stat:${stat} text:none`
  );
}

/**
 * Sends `POST /v1/sends` for each message, `concurrency` at a time, until all are sent or
 * `enough` says so, and says which were tried and which got 202.
 */
export async function postSends(
  url: string,
  numbers: readonly number[],
  concurrency: number,
  enough: () => boolean = () => false,
): Promise<{ acknowledged: Set<string>; attempted: Set<string> }> {
  const acknowledged = new Set<string>();
  const attempted = new Set<string>();
  let next = 0;
  const poster = async () => {
    while (next < numbers.length && !enough()) {
      const n = numbers[next++]!;
      attempted.add(messageIdOf(n));
      try {
        const response = await fetch(`${url}/v1/sends`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(sendBody(n, new Date())),
        });
        await response.arrayBuffer();
        if (response.status === 202) acknowledged.add(messageIdOf(n));
      } catch {
        // The server is gone: this send was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, poster));
  return { acknowledged, attempted };
}

/** Takes a receipt for each message through the library, as `smppReceiptOf` would say. */
export async function recordReceipts(
  service: DeliveryTrackingService,
  numbers: readonly number[],
  chunk = 500,
): Promise<void> {
  for (let start = 0; start < numbers.length; start += chunk) {
    await Promise.all(
      numbers.slice(start, start + chunk).map((n) =>
        service.ingestReceipt(
          {
            providerId: PROVIDER,
            providerMessageId: providerMessageIdOf(n),
            status: failsAt(n) ? 'FAILED' : 'DELIVERED',
            providerStatus: failsAt(n) ? 'UNDELIV' : 'DELIVRD',
            raw: smppReceiptOf(n),
          },
          { format: 'smpp' },
        ),
      ),
    );
  }
}
