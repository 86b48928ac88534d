import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIRST_PROVIDER_ID, PROVIDER } from './sends.js';

/** The polling rules of the crash tests: a batch is always in flight while messages are due. */
export const POLLING = {
  intervalMs: 200,
  batchSize: 200,
  concurrency: 4,
  initialDelayMs: 0,
  backoffMs: [200],
};

/**
 * Writes a `--config` module whose provider answers each check after `delayMs`: FAILED for
 * every seventh message (as `failsAt` says), DELIVERED for the others. Before answering it
 * writes the provider message id it was asked about to `callsFile`, one a line, so that the
 * test knows every question a process asked, even one that died before recording the answer.
 */
export function writeSlowProviderConfig(
  dir: string,
  name: string,
  delayMs: number,
): { config: string; callsFile: string } {
  const config = join(dir, `${name}.config.mjs`);
  const callsFile = join(dir, `${name}.calls`);
  writeFileSync(callsFile, '');
  writeFileSync(
    config,
    `import { appendFileSync } from 'node:fs';

const calls = ${JSON.stringify(callsFile)};

export default {
  providers: [
    {
      id: ${JSON.stringify(PROVIDER)},
      async getDeliveryStatus(query) {
        appendFileSync(calls, query.providerMessageId + '\\n');
        await new Promise((resolve) => setTimeout(resolve, ${delayMs}));
        const failed = (Number(query.providerMessageId) - ${FIRST_PROVIDER_ID}) % 7 === 3;
        return {
          isSuccess: true,
          isFailure: false,
          value: {
            providerId: ${JSON.stringify(PROVIDER)},
            providerMessageId: query.providerMessageId,
            status: failed ? 'FAILED' : 'DELIVERED',
            statusCode: failed ? 'UNDELIV' : 'DELIVRD',
          },
        };
      },
    },
  ],
  polling: ${JSON.stringify(POLLING)},
};
`,
  );
  return { config, callsFile };
}

/** The provider message ids the provider was asked about, in the order it was asked. */
export function readCalls(callsFile: string): string[] {
  return readFileSync(callsFile, 'utf8').split('\n').filter(Boolean);
}
