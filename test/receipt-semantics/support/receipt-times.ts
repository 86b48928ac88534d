/** When the sends of a test are recorded: the morning the fixtures' reports are from. */
export const T0 = Date.UTC(2026, 10, 30, 10, 0, 0);

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** The time of a receipt `minute` minutes after {@link T0}. */
export function at(minute: number): Date {
  return new Date(T0 + minute * MINUTE);
}

const two = (n: number) => String(n).padStart(2, '0');

/** An SMPP date, YYMMDDhhmm in UTC, as SMPP receipts, Twilio and Vonage write them. */
export function smppDate(date: Date): string {
  return [
    two(date.getUTCFullYear() % 100),
    two(date.getUTCMonth() + 1),
    two(date.getUTCDate()),
    two(date.getUTCHours()),
    two(date.getUTCMinutes()),
  ].join('');
}

/** An Infobip time: ISO 8601 with a `+0000` offset. */
export function infobipTime(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}

/** A Vonage `message-timestamp`: `2026-11-30 10:10:29`, UTC. */
export function vonageTimestamp(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}
