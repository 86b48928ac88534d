import { describe, expect, it } from 'vitest';
import { computeVonageSignature } from '../../src/receipts/index.js';
import { useFormatLedgers } from './support/format-ledgers.js';
import { vonageQuery } from './support/vonage-tables.js';

describe('vonage receipts when a signature secret is configured', () => {
  const SECRET = 'vonage-signature-secret';
  const ledgers = useFormatLedgers(vonageQuery, {
    receipts: { vonageSignature: { secret: SECRET } },
  });
  const now = () => Math.floor(Date.now() / 1000);

  /** The fields with a `timestamp` and the `sig` of them all, made with `secret`. */
  function signed(
    fields: Record<string, string>,
    secret = SECRET,
    timestamp = now(),
  ): Record<string, string> {
    const withTime = { ...fields, timestamp: String(timestamp) };
    return { ...withTime, sig: computeVonageSignature(withTime, secret) };
  }

  const query = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const badlySigned: { case: string; sign: (fields: Record<string, string>) => string }[] = [
    { case: 'no sig', sign: (fields) => query(fields) },
    { case: 'a sig made with another secret', sign: (fields) => query(signed(fields, 'other')) },
    {
      case: 'a sig of other fields',
      sign: (fields) => query({ ...signed(fields), status: 'failed' }),
    },
    {
      case: 'a sig made an hour ago',
      sign: (fields) => query(signed(fields, SECRET, now() - 3600)),
    },
  ];

  /** A sent message, and the fields of a receipt that says it was delivered. */
  async function sentMessage() {
    const harness = await ledgers.shared();
    await harness.send(1);
    const fields = Object.fromEntries(new URLSearchParams(harness.receipt(1, 'DELIVERED', 5)));
    return { harness, fields };
  }

  it('should take a receipt signed with the secret', async () => {
    const { harness, fields } = await sentMessage();

    const [result] = (await harness.deliver(query(signed(fields)))) ?? [];

    expect(result).toMatchObject({ outcome: 'applied', status: 'DELIVERED' });
  });

  it.each(badlySigned)('should not apply a receipt with $case', async ({ sign }) => {
    const { harness, fields } = await sentMessage();

    await harness.post(sign(fields));

    expect(await harness.api.statusOf(harness.messageId(1))).toBe('SENT');
    expect(await harness.api.receiptsOf(harness.messageId(1))).toEqual([]);
  });

  // A receipt whose signature does not verify is refused whole, as Twilio's are: anyone
  // could have sent it, so it is not even kept as a dead letter.
  it.each(badlySigned)(
    'should answer 401 to a receipt with $case, and append nothing',
    async ({ sign }) => {
      const { harness, fields } = await sentMessage();
      const head = await harness.api.head();

      const answer = await harness.post(sign(fields));

      expect(answer.status).toBe(401);
      expect(await harness.api.head()).toBe(head);
    },
  );
});
