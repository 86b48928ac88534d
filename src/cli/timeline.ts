import type {
  CheckCompletedData,
  CheckDeferredData,
  Disposition,
  FailoverFinishedData,
  FailoverStartedData,
  Observation,
  ReceiptReceivedData,
  SendRecordedData,
  StatusChangedData,
} from '../machines/events.js';
import type { HistoryEntry } from '../service/delivery-tracking-service.js';
import { formatTable } from './table.js';

/** One line of a timeline, before it is laid out. */
interface Step {
  /** The status move: `SENT -> DELIVERED`, or what an observation saw. */
  readonly change: string;
  /** The provider's own status word or code. */
  readonly providerStatus: string;
  /** What else matters: the cause, why an observation was not applied, an error. */
  readonly note: string;
}

const COLUMNS = [
  { heading: 'time' },
  { heading: 'event' },
  { heading: 'change' },
  { heading: 'provider status' },
  { heading: 'note' },
];

/**
 * A message's history as a table to read: when each event happened, its type, the status move,
 * the provider's status, and a note. The recipient and sender are never in it, so that a
 * timeline can be pasted into a ticket.
 */
export function formatTimeline(history: readonly HistoryEntry[]): string[] {
  const rows = history.map((entry) => {
    const step = describe(entry);
    return [
      entry.occurredAt.toISOString(),
      entry.type,
      step.change,
      step.providerStatus,
      step.note,
    ];
  });
  return formatTable(COLUMNS, rows);
}

function describe(entry: HistoryEntry): Step {
  const data = entry.data;
  switch (entry.type) {
    case 'SendRecorded':
      return sendRecorded(data as unknown as SendRecordedData);
    case 'CheckDeferred':
      return checkDeferred(data as unknown as CheckDeferredData);
    case 'CheckCompleted':
      return checkCompleted(data as unknown as CheckCompletedData);
    case 'ReceiptReceived':
      return receiptReceived(data as unknown as ReceiptReceivedData);
    case 'StatusChanged':
      return statusChanged(data as unknown as StatusChangedData, false);
    case 'StatusSettledLate':
      return statusChanged(data as unknown as StatusChangedData, true);
    case 'FailoverStarted':
      return failoverStarted(data as unknown as FailoverStartedData);
    case 'FailoverFinished':
      return failoverFinished(data as unknown as FailoverFinishedData);
    default:
      return { change: '', providerStatus: '', note: '' };
  }
}

function sendRecorded(data: SendRecordedData): Step {
  const error = data.lastError ? `; error ${errorText(data.lastError)}` : '';
  return {
    change: `-> ${data.status}`,
    providerStatus: data.sendStatus ?? '',
    note: `sent through ${data.providerId} as ${data.providerMessageId}${error}`,
  };
}

function checkDeferred(data: CheckDeferredData): Step {
  const next = new Date(data.nextCheckAt).toISOString();
  return { change: '', providerStatus: '', note: `${data.reason}; next check ${next}` };
}

function checkCompleted(data: CheckCompletedData): Step {
  const attempt = `check ${data.attempt}`;
  const result = data.result;
  switch (result.kind) {
    case 'status':
      return {
        change: observed(result.observation),
        providerStatus: result.observation.statusCode ?? '',
        note: join(attempt, dispositionText(data.disposition, data.reason)),
      };
    case 'error': {
      const retry = result.retryable ? ', will retry' : '';
      return {
        change: '',
        providerStatus: '',
        note: `${attempt}: provider error ${errorText(result.error)}${retry}`,
      };
    }
    case 'no-status':
      return { change: '', providerStatus: '', note: `${attempt}: the provider had no status yet` };
    default:
      return { change: '', providerStatus: '', note: `${attempt}: ${result.kind}` };
  }
}

function receiptReceived(data: ReceiptReceivedData): Step {
  const format = data.format === undefined ? 'receipt' : `${data.format} receipt`;
  const part = data.segment ? ` (part ${data.segment.index}/${data.segment.count})` : '';
  const code = data.errorCode === undefined ? '' : ` (error ${data.errorCode})`;
  return {
    change: observed(data.observation),
    providerStatus: `${data.providerStatus}${code}`,
    note: join(`${format}${part}`, dispositionText(data.disposition, data.reason)),
  };
}

function statusChanged(data: StatusChangedData, late: boolean): Step {
  const parts = [`cause ${data.cause}`];
  if (late) parts.push('settled late');
  if (data.statusMessage) parts.push(data.statusMessage);
  if (data.lastError) parts.push(`error ${errorText(data.lastError)}`);
  return {
    change: `${data.from} -> ${data.to}`,
    providerStatus: data.statusCode ?? '',
    note: parts.join('; '),
  };
}

function failoverStarted(data: FailoverStartedData): Step {
  return {
    change: '',
    providerStatus: '',
    note: `failover: sending ${data.fallbackType} as ${data.fallbackMessageId}`,
  };
}

function failoverFinished(data: FailoverFinishedData): Step {
  const parts = [`failover ${data.outcome}`];
  if (data.fallbackMessageId) parts.push(`as ${data.fallbackMessageId}`);
  if (data.errorCode || data.errorMessage) {
    parts.push(`error ${[data.errorCode, data.errorMessage].filter(Boolean).join(': ')}`);
  }
  if (data.warningCode) parts.push(`warning ${data.warningCode}`);
  return { change: '', providerStatus: '', note: parts.join('; ') };
}

function observed(observation: Observation): string {
  return `saw ${observation.status}`;
}

/** What became of an observation; the reason when it was not applied. */
function dispositionText(disposition: Disposition | undefined, reason: string | undefined) {
  if (disposition === 'not-applied') return `not applied: ${reason ?? 'no reason recorded'}`;
  const words = disposition === undefined ? '' : DISPOSITION_WORDS[disposition];
  return [words, reason].filter(Boolean).join(', ');
}

const DISPOSITION_WORDS: Readonly<Record<Exclude<Disposition, 'not-applied'>, string>> = {
  applied: 'applied',
  unchanged: 'confirms the status',
  'settled-late': 'settled late',
};

function errorText(error: { code: string; message: string }): string {
  return `${error.code}: ${error.message}`;
}

function join(...parts: string[]): string {
  return parts.filter((part) => part !== '').join(': ');
}
