import { existsSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ReceiptIntakeOptions } from '../http/index.js';
import type { PollingConfig } from '../machines/policy.js';
import type { RetentionPolicy } from '../service/retention.js';
import type { ApiFailoverConfig, Provider } from '../service/types.js';
import { UsageError } from './usage-error.js';

/** What the default export of a `--config` module may hold. */
export interface LedgerConfig {
  /** Providers to poll for delivery statuses. @defaultValue none: receipts only */
  providers?: Provider[];
  /** Polling rules; `serve` waits for a receipt for a message of an unknown provider. */
  polling?: Partial<PollingConfig>;
  /** AlimTalk to SMS failover. */
  apiFailover?: ApiFailoverConfig;
  receipts?: ReceiptIntakeOptions & {
    /** Provider ids whose receipt ids may come in the other base (decimal or hex). */
    decimalHex?: string[];
  };
  /**
   * How long records and histories are kept, for `retention run` and `serve
   * --retention-interval`. @defaultValue forever
   */
  retention?: RetentionPolicy;
  /** How long a receipt whose send is not recorded yet waits for it. @defaultValue 7 days */
  unmatchedReceiptTtlMs?: number;
}

const object = (what: string) =>
  z.custom<object>((value) => typeof value === 'object' && value !== null, `expected ${what}`);

const provider = z.custom<Provider>(
  (value) =>
    typeof value === 'object' && value !== null && typeof (value as Provider).id === 'string',
  'expected a provider object with a string id',
);

const days = z.number().positive('expected a number of days > 0');
const daysByName = z.record(z.string(), days);

// The service checks the polling rules and the failover settings itself, naming what is wrong.
const configSchema = z.strictObject({
  providers: z.array(provider).optional(),
  polling: object('an object of polling rules').optional(),
  apiFailover: object('an object of failover settings').optional(),
  receipts: z
    .strictObject({
      timeZoneOffsetMinutes: z.number().optional(),
      decimalHex: z.array(z.string().min(1, 'expected a provider id')).optional(),
      vonageSignature: z
        .strictObject({
          secret: z.string().min(1, 'expected the signature secret'),
          method: z.enum(['md5hash', 'md5', 'sha1', 'sha256', 'sha512']).optional(),
          toleranceSeconds: z.number().positive().optional(),
        })
        .optional(),
      twilioSignature: z
        .strictObject({
          authToken: z.string().min(1, 'expected the auth token'),
          publicUrl: z.url('expected the URL Twilio calls, such as https://ledger.example.com'),
        })
        .optional(),
    })
    .optional(),
  retention: z
    .strictObject({
      defaultDays: days.optional(),
      byType: daysByName.optional(),
      byTenant: z
        .strictObject({
          field: z.string().min(1, 'expected the name of a customFields field'),
          days: daysByName,
        })
        .optional(),
    })
    .optional(),
  unmatchedReceiptTtlMs: z.number().nonnegative('expected milliseconds >= 0').optional(),
});

/**
 * Loads a configuration module (`.js`, `.mjs`, or `.ts` when run with tsx) and checks its
 * default export.
 * @throws UsageError when the file is missing, does not load, or its export is wrong
 */
export async function loadConfig(file: string): Promise<LedgerConfig> {
  const path = resolve(file);
  if (!existsSync(path)) throw new UsageError(`--config: no file at ${path}`);

  let loaded: { default?: unknown };
  try {
    loaded = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (error) {
    const hint = extname(path) === '.ts' ? ' (a .ts file needs tsx: use a .js or .mjs file)' : '';
    throw new UsageError(`--config: cannot load ${path}: ${oneLine(error)}${hint}`, {
      cause: error,
    });
  }
  if (loaded.default === undefined) {
    throw new UsageError(`--config: expected ${path} to have a default export, got none`);
  }

  const checked = configSchema.safeParse(loaded.default);
  if (!checked.success) {
    const issue = checked.error.issues[0]!;
    const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw new UsageError(`--config ${path}: ${where}${issue.message}`);
  }
  return checked.data as LedgerConfig;
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? '';
}
