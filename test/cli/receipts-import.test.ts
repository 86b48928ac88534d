import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { payloadsOfFile } from '../../src/cli/receipt-file.js';
import { UsageError } from '../../src/cli/usage-error.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { DeliveryTrackingService } from '../../src/service/delivery-tracking-service.js';
import { cli, isolateEnvironment, openLedger, tempDir } from './ledger.js';

const dir = tempDir('import');
isolateEnvironment();

let databases = 0;

/** A new database with one send for each `[providerId, providerMessageId]`, m-1, m-2, … */
async function ledgerWith(sends: Array<[string, string]>): Promise<string> {
  const db = join(dir, `ledger-${++databases}.db`);
  const ledger = openLedger(db);
  for (const [i, [providerId, providerMessageId]] of sends.entries()) {
    await ledger.send({
      messageId: `m-${i + 1}`,
      providerId,
      providerMessageId,
      to: '01099990000',
    });
  }
  await ledger.close();
  return db;
}

function receiptFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Reads the records and dead letters of a database, through the library. */
async function readBack(db: string) {
  const service = new DeliveryTrackingService({
    eventStore: new SqliteEventStore({ filename: db }),
  });
  try {
    const records = await service.listRecords({
      limit: 100,
      orderBy: 'requestedAt',
      orderDirection: 'asc',
    });
    const deadLetters = await service.listDeadLetters({ limit: 100 });
    const pending = await service.listUnmatchedReceipts({ limit: 100 });
    return { statuses: records.map((record) => record.status), deadLetters, pending };
  } finally {
    await service.close();
  }
}

const SMPP_FILE = [
  '# backfill after the outage',
  'id:2001 sub:001 dlvrd:001 submit date:2611301000 done date:2611301005 stat:DELIVRD err:000',
  '',
  'id:2002 sub:001 dlvrd:000 submit date:2611301000 done date:2611301006 stat:UNDELIV err:001',
  'id:2001 sub:001 dlvrd:001 submit date:2611301000 done date:2611301005 stat:DELIVRD err:000',
  'this is not a receipt',
  'id:2999 sub:001 dlvrd:001 submit date:2611301000 done date:2611301005 stat:DELIVRD err:000',
].join('\n');

describe('delivery-ledger receipts import', () => {
  it('should take an SMPP file a line a receipt, and count what became of each', async () => {
    const db = await ledgerWith([
      ['smpp', '2001'],
      ['smpp', '2002'],
    ]);
    const file = receiptFile('smpp.txt', SMPP_FILE);

    const { code, stdout, stderr } = await cli('receipts', 'import', 'smpp', file, '--db', db);

    expect(code).toBe(0);
    expect(stderr).toBe('');
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      new RegExp(`^imported ${file} \\(smpp, provider smpp\\): 5 receipts in [\\d.]+ s`),
    );
    expect(lines.slice(1)).toEqual([
      '2 applied, 1 ignored, 1 pending, 1 rejected',
      'rejected, and kept as dead letters:',
      '  line 6: expected a field "id:", got none',
    ]);
    const { statuses, deadLetters, pending } = await readBack(db);
    expect(statuses).toEqual(['DELIVERED', 'FAILED']);
    expect(deadLetters).toEqual([
      expect.objectContaining({ format: 'smpp', providerId: 'smpp', raw: 'this is not a receipt' }),
    ]);
    expect(pending).toEqual([expect.objectContaining({ providerMessageId: '2999' })]);
  });

  it('should have one effect when the same file is imported twice', async () => {
    const db = await ledgerWith([['smpp', '2001']]);
    const file = receiptFile('again.txt', SMPP_FILE.split('\n').slice(0, 2).join('\n'));

    await cli('receipts', 'import', 'smpp', file, '--db', db);
    const { code, stdout } = await cli('receipts', 'import', 'smpp', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('0 applied, 1 ignored, 0 pending, 0 rejected');
  });

  it('should match the receipts to the provider named by --provider', async () => {
    const db = await ledgerWith([['smsc-east', '2001']]);
    const file = receiptFile('east.txt', SMPP_FILE.split('\n')[1]!);

    const { code, stdout } = await cli(
      'receipts',
      'import',
      'smpp',
      file,
      '--provider',
      'smsc-east',
      '--db',
      db,
    );

    expect(code).toBe(0);
    expect(stdout).toContain('(smpp, provider smsc-east)');
    expect(stdout).toContain('1 applied, 0 ignored, 0 pending, 0 rejected');
  });

  it('should take Twilio callbacks a form body a line', async () => {
    const db = await ledgerWith([
      ['twilio', 'SM1'],
      ['twilio', 'SM2'],
    ]);
    const file = receiptFile(
      'twilio.txt',
      'MessageSid=SM1&MessageStatus=delivered\r\nMessageSid=SM2&MessageStatus=undelivered&ErrorCode=30003\r\n',
    );

    const { code, stdout } = await cli('receipts', 'import', 'twilio', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('2 applied, 0 ignored, 0 pending, 0 rejected');
    expect((await readBack(db)).statuses).toEqual(['DELIVERED', 'FAILED']);
  });

  it('should take a Vonage JSON array as one document, naming items by their index', async () => {
    const db = await ledgerWith([['vonage', 'V1']]);
    const file = receiptFile(
      'vonage.json',
      JSON.stringify([{ messageId: 'V1', status: 'delivered' }, { messageId: 'V2' }], null, 2),
    );

    const { code, stdout } = await cli('receipts', 'import', 'vonage', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('1 applied, 0 ignored, 0 pending, 1 rejected');
    expect(stdout).toMatch(/^ {2}item 1: .*"status"/m);
  });

  it('should take Vonage receipts a line each, as JSON or as a query string', async () => {
    const db = await ledgerWith([
      ['vonage', 'V1'],
      ['vonage', 'V2'],
    ]);
    const file = receiptFile(
      'vonage.txt',
      '{"messageId":"V1","status":"delivered"}\nmessageId=V2&status=expired&err-code=5\n',
    );

    const { code, stdout } = await cli('receipts', 'import', 'vonage', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('2 applied, 0 ignored, 0 pending, 0 rejected');
  });

  it("should take a provider's file with # comment lines, as the fixtures have", async () => {
    const db = await ledgerWith([['vonage', '0C0000002EEBDA56']]);
    const file = new URL('../receipts/fixtures/vonage-dlr-query.txt', import.meta.url).pathname;

    const { code, stdout } = await cli('receipts', 'import', 'vonage', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('1 applied, 0 ignored, 0 pending, 0 rejected');
  });

  it('should take JSON lines for a JSON format, a payload a line', async () => {
    const db = await ledgerWith([
      ['solapi', 'S1'],
      ['solapi', 'S2'],
    ]);
    const file = receiptFile(
      'solapi.jsonl',
      '{"messageId":"S1","statusCode":"4000"}\n\n{"data":[{"messageId":"S2","statusCode":"3104"}]}\n',
    );

    const { code, stdout } = await cli('receipts', 'import', 'solapi', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('2 applied, 0 ignored, 0 pending, 0 rejected');
    expect((await readBack(db)).statuses).toEqual(['DELIVERED', 'FAILED']);
  });

  it('should take an Infobip payload as one JSON document', async () => {
    const db = await ledgerWith([
      ['infobip', 'I1'],
      ['infobip', 'I2'],
    ]);
    const file = receiptFile(
      'infobip.json',
      JSON.stringify({
        results: [
          { messageId: 'I1', status: { groupName: 'DELIVERED' } },
          { messageId: 'I2', status: { groupName: 'REJECTED' } },
        ],
      }),
    );

    const { code, stdout } = await cli('receipts', 'import', 'infobip', file, '--db', db);

    expect(code).toBe(0);
    expect(stdout).toContain('2 applied, 0 ignored, 0 pending, 0 rejected');
  });
});

describe('delivery-ledger receipts import, when it cannot', () => {
  it('should exit 2 for a format it does not know, naming those it does', async () => {
    const db = await ledgerWith([]);
    const file = receiptFile('any.txt', 'id:1 stat:DELIVRD\n');

    const { code, stderr } = await cli('receipts', 'import', 'sinch', file, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: expected a report format among smpp, twilio, vonage, infobip, aws-sms, solapi, ' +
        'jasmin, kannel, got "sinch"\n',
    );
  });

  it('should exit 2 for a file that is not there', async () => {
    const db = await ledgerWith([]);
    const missing = join(dir, 'missing.txt');

    const { code, stderr } = await cli('receipts', 'import', 'smpp', missing, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toBe(`error: <file>: no file at ${missing}\n`);
  });

  it('should exit 2 for a directory in place of the file', async () => {
    const db = await ledgerWith([]);
    const folder = join(dir, 'folder');
    mkdirSync(folder, { recursive: true });

    const { code, stderr } = await cli('receipts', 'import', 'smpp', folder, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toBe(`error: <file>: expected a file, got a directory at ${folder}\n`);
  });

  it('should exit 2, and keep nothing, for a JSON format whose file is not JSON', async () => {
    const db = await ledgerWith([]);
    const file = receiptFile('broken.json', '{\n  "results": [\n    { "messageId": "I1",\n');

    const { code, stderr } = await cli('receipts', 'import', 'infobip', file, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toBe(
      'error: expected a JSON document or JSON lines for infobip, but line 1 is not JSON\n',
    );
    expect((await readBack(db)).deadLetters).toEqual([]);
  });

  it('should exit 2 for a file without a receipt', async () => {
    const db = await ledgerWith([]);
    const file = receiptFile('empty.txt', '# nothing yet\n\n');

    const { code, stderr } = await cli('receipts', 'import', 'smpp', file, '--db', db);

    expect(code).toBe(2);
    expect(stderr).toBe('error: expected smpp receipts in the file, found none\n');
  });

  it('should exit 2 when the format or the file is missing', async () => {
    const { code, stderr } = await cli('receipts', 'import', 'smpp');

    expect(code).toBe(2);
    expect(stderr).toMatch(/^error: missing required argument 'file'/);
  });
});

describe('how a file of receipts is cut into payloads', () => {
  it('should take a line formats file a line each, skipping blank and # lines', () => {
    const text = '\uFEFF# header\r\nid:1 stat:DELIVRD\r\n\r\n  \nid:2 stat:UNDELIV';

    expect(payloadsOfFile('smpp', text)).toEqual([
      { body: 'id:1 stat:DELIVRD', line: 2 },
      { body: 'id:2 stat:UNDELIV', line: 5 },
    ]);
  });

  it('should take a JSON document whole, however many lines it has', () => {
    const text = '{\n  "results": []\n}\n';

    expect(payloadsOfFile('infobip', text)).toEqual([{ body: text }]);
  });

  it('should take JSON lines a line each', () => {
    expect(payloadsOfFile('aws-sms', '{"a":1}\n{"b":2}\n')).toEqual([
      { body: '{"a":1}', line: 1 },
      { body: '{"b":2}', line: 2 },
    ]);
  });

  it('should skip # lines in a file of JSON lines too: no payload starts with #', () => {
    expect(payloadsOfFile('solapi', '# exported 2026-11-30\n{"a":1}\n')).toEqual([
      { body: '{"a":1}', line: 2 },
    ]);
  });

  it('should take Vonage query strings a line each, and a JSON array whole', () => {
    expect(
      payloadsOfFile('vonage', '# from the access log\nmessageId=V1&status=delivered\n'),
    ).toEqual([{ body: 'messageId=V1&status=delivered', line: 2 }]);
    expect(payloadsOfFile('vonage', '[{"messageId":"V1"}]')).toEqual([
      { body: '[{"messageId":"V1"}]' },
    ]);
  });

  it('should refuse a JSON format file that is neither a document nor JSON lines', () => {
    expect(() => payloadsOfFile('infobip', 'results: none\n')).toThrow(UsageError);
  });

  it('should refuse a file without a payload', () => {
    expect(() => payloadsOfFile('twilio', '\n\n')).toThrow(/expected twilio receipts/);
  });
});
