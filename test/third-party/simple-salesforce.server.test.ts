/**
 * Unmodified simple-salesforce (PyPI) against the emulator over HTTPS (the client builds every URL with
 * `https://`): Bulk v1 JSON insert and query, Bulk 2.0 CSV insert, query and download, 50,000 rows each way.
 * The Python side only drives the client and writes what it got to files; the checks are here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Papa from 'papaparse';
import { Agent, fetch as undiciFetch } from 'undici';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { useEmulator } from '../helpers/emulator.js';
import {
  assertOrgHolds,
  assertRowsEqualOrg,
  contactSoql,
  contactsCsv,
  csvText,
  makeContacts,
  timed,
} from './contacts.js';
import { pythonClientsDir, runPythonScript } from './python-clients.js';

const ROWS = 50_000;
const SCRIPT = 'simple_salesforce_client.py';

interface V1Result {
  success: boolean;
  created: boolean;
  id: string | null;
  errors: unknown[];
}

interface V2Job {
  numberRecordsFailed: number;
  numberRecordsProcessed: number;
  numberRecordsTotal: number;
  job_id: string;
}

function parseCsv(text: string): Record<string, string>[] {
  const parsed = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true });
  assert.deepEqual(parsed.errors, []);
  return parsed.data;
}

/** Bulk v1 JSON query results as CSV text: dates come as epoch milliseconds, checkboxes as JSON booleans. */
function jsonToText(field: string, value: unknown): string {
  if (field === 'Birthdate' && typeof value === 'number') return new Date(value).toISOString().slice(0, 10);
  return csvText(value as string | number | boolean | null);
}

describe('simple-salesforce', { concurrency: false }, () => {
  const emulator = useEmulator({ https: true });
  let work: string;
  let env: Record<string, string>;
  const v1Contacts = makeContacts(ROWS, 'ssv1');
  const v2Contacts = makeContacts(ROWS, 'ssv2');

  const run = <T>(...args: string[]) => runPythonScript<T>(SCRIPT, args, env).then((r) => r.summary);

  before(async () => {
    pythonClientsDir();
    work = mkdtempSync(path.join(tmpdir(), 'bulkflow-ssf-'));
    const caFile = path.join(work, 'emulator-ca.pem');
    writeFileSync(caFile, emulator.certificatePem ?? '');
    // simple-salesforce's login URLs are fixed to *.salesforce.com, so it gets a session the way its docs
    // allow: session_id + instance_url, here from the OAuth password flow.
    const agent = new Agent({ connect: { ca: emulator.certificatePem ?? '' } });
    const res = await undiciFetch(`${emulator.url}/services/oauth2/token`, {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'password',
        client_id: DEV_CREDENTIALS.clientId,
        client_secret: DEV_CREDENTIALS.clientSecret,
        username: DEV_CREDENTIALS.username,
        password: DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken,
      }),
      dispatcher: agent,
    });
    assert.equal(res.status, 200);
    const token = (await res.json()) as { access_token: string; instance_url: string };
    await agent.close();
    env = { SF_SESSION_ID: token.access_token, SF_INSTANCE_URL: token.instance_url, REQUESTS_CA_BUNDLE: caFile };
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it(`Bulk v1: sf.bulk.Contact.insert of ${ROWS} records (JSON, batches of 10,000)`, async () => {
    const input = path.join(work, 'v1-records.json');
    const output = path.join(work, 'v1-results.json');
    writeFileSync(input, JSON.stringify(v1Contacts));
    await timed('simple-salesforce v1 insert 50k', () => run('v1-insert', input, output));
    const results = JSON.parse(readFileSync(output, 'utf8')) as V1Result[];
    assert.equal(results.length, ROWS);
    assert.deepEqual(
      results.filter((r) => !r.success || !r.created || r.errors.length > 0),
      [],
    );
    const records = emulator.org.getRecords('Contact');
    assertOrgHolds(records, 'ssv1', v1Contacts);
    const idByKey = new Map(records.map((r) => [r['External_Id__c'], r['Id']]));
    results.forEach((r, i) => assert.equal(r.id, idByKey.get(v1Contacts[i]?.External_Id__c ?? null)));
  });

  it(`Bulk v1: sf.bulk.Contact.query of the ${ROWS} records (JSON)`, async () => {
    const output = path.join(work, 'v1-rows.json');
    await timed('simple-salesforce v1 query 50k', () => run('v1-query', contactSoql('ssv1'), output));
    const rows = JSON.parse(readFileSync(output, 'utf8')) as Record<string, unknown>[];
    for (const row of rows) {
      const attributes = row['attributes'] as { type: string; url: string };
      assert.equal(attributes.type, 'Contact');
      assert.match(attributes.url, new RegExp(`^/services/data/v\\d+\\.0/sobjects/Contact/${String(row['Id'])}$`));
    }
    assertRowsEqualOrg(rows, emulator.org.getRecords('Contact'), 'ssv1', jsonToText);
  });

  it(`Bulk 2.0: sf.bulk2.Contact.insert(csv_file=…) of ${ROWS} records`, async () => {
    const input = path.join(work, 'v2-records.csv');
    writeFileSync(input, contactsCsv(v2Contacts));
    const { jobs } = await timed('simple-salesforce v2 insert 50k', () => run<{ jobs: V2Job[] }>('v2-insert', input));
    assert.equal(
      jobs.reduce((n, j) => n + j.numberRecordsProcessed, 0),
      ROWS,
    );
    assert.equal(
      jobs.reduce((n, j) => n + j.numberRecordsFailed, 0),
      0,
    );
    assertOrgHolds(emulator.org.getRecords('Contact'), 'ssv2', v2Contacts);
  });

  it(`Bulk 2.0: sf.bulk2.Contact.query of the ${ROWS} records (50,000-row pages)`, async () => {
    const out = mkdtempSync(path.join(work, 'v2-query-'));
    const { files } = await timed('simple-salesforce v2 query 50k', () =>
      run<{ files: string[] }>('v2-query', contactSoql('ssv2'), out),
    );
    const rows = files.flatMap((file) => parseCsv(readFileSync(file, 'utf8')));
    assertRowsEqualOrg(rows, emulator.org.getRecords('Contact'), 'ssv2');
  });

  it(`Bulk 2.0: sf.bulk2.Contact.download of the ${ROWS} records`, async () => {
    const out = mkdtempSync(path.join(work, 'v2-download-'));
    const { pages } = await timed('simple-salesforce v2 download 50k', () =>
      run<{ pages: { file: string; number_of_records: number }[] }>('v2-download', contactSoql('ssv2'), out),
    );
    assert.equal(
      pages.reduce((n, p) => n + p.number_of_records, 0),
      ROWS,
    );
    const rows = pages.flatMap((page) => parseCsv(readFileSync(page.file, 'utf8')));
    assertRowsEqualOrg(rows, emulator.org.getRecords('Contact'), 'ssv2');
  });

  it('reports rows Salesforce rejects, and a batch with an unknown field, the way Salesforce does', async () => {
    const input = path.join(work, 'bad-records.json');
    const bad = [
      { LastName: 'Fine', Email: 'fine@example.com' },
      { LastName: null, Email: 'nameless@example.com' },
      { LastName: 'Typo', Email: 'not-an-email' },
    ];
    writeFileSync(input, JSON.stringify(bad));
    const before = emulator.org.getRecords('Contact').length;
    const summary = await run<{
      v1: V1Result[];
      v1_unknown_field: { type: string; message: string } | null;
      v2_job: V2Job;
      v2_failed: string;
    }>('failures', input);
    assert.deepEqual(
      summary.v1.map((r) => [r.success, r.errors]),
      [
        [true, []],
        [
          false,
          [
            {
              message: 'Required fields are missing: [LastName]',
              fields: ['LastName'],
              statusCode: 'REQUIRED_FIELD_MISSING',
              extendedErrorDetails: null,
            },
          ],
        ],
        [
          false,
          [
            {
              message: 'Email: invalid email address: not-an-email',
              fields: ['Email'],
              statusCode: 'INVALID_EMAIL_ADDRESS',
              extendedErrorDetails: null,
            },
          ],
        ],
      ],
    );
    // The batch fails as a whole; simple-salesforce then asks for its results, which Salesforce refuses.
    assert.equal(summary.v1_unknown_field?.type, 'SalesforceMalformedRequest');
    assert.match(
      summary.v1_unknown_field.message,
      /'exceptionCode': 'InvalidBatch', 'exceptionMessage': 'Records not processed'/,
    );
    assert.deepEqual([summary.v2_job.numberRecordsProcessed, summary.v2_job.numberRecordsFailed], [3, 2]);
    assert.deepEqual(
      parseCsv(summary.v2_failed).map((r) => [r['sf__Id'], r['sf__Error'], r['Email']]),
      [
        ['', 'REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --', 'nameless@example.com'],
        ['', 'INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --', 'not-an-email'],
      ],
    );
    assert.equal(emulator.org.getRecords('Contact').length, before + 2);
  });
});
