/**
 * Unmodified jsforce against the emulator's describe and REST query resources: what its users call when they
 * do not use the Bulk APIs. jsforce builds its own URLs for describe and for later query pages (from the
 * locator in nextRecordsUrl), so this checks the wire shapes as a third party reads them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Connection } from 'jsforce';
import { createSalesforceEmulator, DEV_CREDENTIALS } from '../../emulator/index.js';
import type { SalesforceEmulator } from '../../emulator/index.js';
import { login } from '../helpers/emulator-http.js';
import { deleteRows, insertRows } from '../helpers/org-seed.js';

const ROWS = 4500;

describe('jsforce describe and query', () => {
  let emulator: SalesforceEmulator;
  let conn: Connection;
  let ids: string[] = [];
  before(async () => {
    emulator = await createSalesforceEmulator();
    const rows = Array.from({ length: ROWS }, (_, i) => [`Person ${i}`, `js-${i}`]);
    ids = insertRows(emulator.org, 'Contact', ['LastName', 'External_Id__c'], rows);
    conn = new Connection({ instanceUrl: emulator.url, accessToken: await login(emulator.url), version: '62.0' });
  });
  after(() => emulator.close());

  it("reads Contact's describe and describeGlobal", async () => {
    const contact = await conn.describe('Contact');
    assert.equal(contact.name, 'Contact');
    const lastName = contact.fields.find((f) => f.name === 'LastName');
    assert.equal(lastName?.nillable, false);
    assert.equal(lastName?.createable, true);
    const external = contact.fields.find((f) => f.name === 'External_Id__c');
    assert.equal(external?.externalId, true);
    const global = await conn.describeGlobal();
    assert.ok(global.sobjects.some((s) => s.name === 'Account'));
  });

  it(`fetches all ${ROWS} records with autoFetch, following nextRecordsUrl`, async () => {
    const result = await conn.query<{ Id: string }>('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 10_000 });
    assert.equal(result.totalSize, ROWS);
    assert.equal(result.records.length, ROWS);
    assert.deepEqual(new Set(result.records.map((r) => r.Id)), new Set(ids));
  });

  it('sees deleted records with queryAll (scanAll) only', async () => {
    deleteRows(emulator.org, 'Contact', ids.slice(0, 3));
    const live = await conn.query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 10_000 });
    assert.equal(live.totalSize, ROWS - 3);
    const all = await conn.query('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 10_000, scanAll: true });
    assert.equal(all.totalSize, ROWS);
    assert.equal(all.records.length, ROWS);
  });

  it('reads the identity, the version list and the resource map', async () => {
    // Without userInfo, identity() finds the identity URL in the resource map, then calls it with oauth_token.
    const identity = await conn.identity();
    assert.equal(identity.username, DEV_CREDENTIALS.username);
    assert.match(identity.user_id, /^005/);
    assert.match(identity.organization_id, /^00D/);
    const versions = await conn.request<Array<{ version: string }>>('/services/data');
    assert.equal(versions.at(-1)?.version, '62.0');
    const resources = await conn.request<Record<string, string>>('/services/data/v62.0');
    assert.equal(resources['sobjects'], '/services/data/v62.0/sobjects');
  });

  it('queries the logged-in User and the Organization', async () => {
    const identity = await conn.identity();
    const users = await conn.query<{ Id: string; Username: string }>(
      `SELECT Id, Username FROM User WHERE Username = '${DEV_CREDENTIALS.username}'`,
    );
    assert.deepEqual(
      users.records.map((user) => [user.Id, user.Username]),
      [[identity.user_id, DEV_CREDENTIALS.username]],
    );
    const orgs = await conn.query<{ Id: string; IsSandbox: boolean }>('SELECT Id, IsSandbox FROM Organization');
    assert.deepEqual(
      orgs.records.map((org) => [org.Id, org.IsSandbox]),
      [[identity.organization_id, false]],
    );
  });

  it('surfaces SOQL errors with their code', async () => {
    // A jsforce Query is a thenable, not a Promise: await it inside the function assert.rejects calls.
    await assert.rejects(
      async () => {
        await conn.query('SELECT Nope FROM Contact');
      },
      { name: 'INVALID_FIELD' },
    );
  });
});
