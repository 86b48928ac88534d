import { fixtureLines, nth, type ReportedStatus } from './format-table.js';
import { at, smppDate } from './receipt-times.js';

/** The SMPP `stat` word for each status a receipt can report. */
export const SMPP_STAT: Readonly<Record<ReportedStatus, string>> = {
  SENT: 'ENROUTE',
  DELIVERED: 'DELIVRD',
  FAILED: 'UNDELIV',
  UNKNOWN: 'UNKNOWN',
};

/** The fixture's first receipt, `id:0000000012345678 … stat:DELIVRD err:000 text:none`. */
const TEMPLATE = nth(fixtureLines('smpp-dlr.txt'), 0);

/**
 * An SMPP receipt line for `id` reporting `status`, `minute` minutes after T0: the fixture's
 * first line with its id, `stat`, done date and `err` edited.
 */
export function smppReceiptLine(id: string, status: ReportedStatus, minute: number): string {
  return TEMPLATE.replace(/\bid:\S+/, `id:${id}`)
    .replace(/\bstat:\S+/, `stat:${SMPP_STAT[status]}`)
    .replace(/\bdone date:\d+/, `done date:${smppDate(at(minute))}`)
    .replace(/\berr:\d+/, status === 'FAILED' ? 'err:001' : 'err:000');
}
