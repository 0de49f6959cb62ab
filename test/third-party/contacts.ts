/**
 * Test data and checks shared by the third-party client tests: generated Contacts with awkward values, and
 * comparisons of the org (and of query output) with them, field by field.
 */
import assert from 'node:assert/strict';
import type { FieldValue } from '../../emulator/index.js';

/** The fields every generated Contact sets, in upload order. */
export const CONTACT_FIELDS = [
  'External_Id__c',
  'FirstName',
  'LastName',
  'Email',
  'Phone',
  'Title',
  'Birthdate',
  'DoNotCall',
  'MailingCity',
  'Description',
] as const;

export type ContactField = (typeof CONTACT_FIELDS)[number];

/** A generated Contact: text, a date (`YYYY-MM-DD`), a checkbox, and a null Description on every fifth one. */
export type Contact = Record<ContactField, string | boolean | null>;

/** The query every test reads its rows back with. */
export function contactSoql(tag: string): string {
  return `SELECT Id, ${CONTACT_FIELDS.join(', ')} FROM Contact WHERE External_Id__c LIKE '${tag}-%'`;
}

function description(i: number): string | null {
  if (i % 5 === 0) return null;
  if (i % 17 === 0) return `line one ${i}\nline two, with "quotes" and ünïcödé`;
  return `Note ${i}`;
}

/** `count` Contacts whose external ids are `<tag>-00000`, `<tag>-00001`, … */
export function makeContacts(count: number, tag: string): Contact[] {
  return Array.from({ length: count }, (_, i) => ({
    External_Id__c: `${tag}-${String(i).padStart(5, '0')}`,
    FirstName: i % 7 === 0 ? 'Zoë' : `First${i}`,
    LastName: i % 11 === 0 ? `O'Brien, Jr. ${i}` : `Last ${i}`,
    Email: `${tag}.${i}@example.com`,
    Phone: `+1 555 ${String(i).padStart(6, '0')}`,
    Title: i % 13 === 0 ? `The "Boss" ${i}` : 'Engineer',
    Birthdate: `${1950 + (i % 50)}-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
    DoNotCall: i % 2 === 0,
    MailingCity: i % 3 === 0 ? 'München' : 'Springfield',
    Description: description(i),
  }));
}

function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** RFC 4180 CSV with LF line endings; a null becomes an empty cell (on insert: the field stays null). */
export function contactsCsv(contacts: readonly Contact[]): string {
  const lines = [CONTACT_FIELDS.join(',')];
  for (const c of contacts) lines.push(CONTACT_FIELDS.map((f) => csvCell(c[f] === null ? '' : String(c[f]))).join(','));
  return `${lines.join('\n')}\n`;
}

type OrgRecord = Record<string, FieldValue>;

/** The org's Contacts of one tag, keyed by external id. */
export function taggedRecords(records: readonly OrgRecord[], tag: string): Map<string, OrgRecord> {
  const byKey = new Map<string, OrgRecord>();
  for (const r of records) {
    const key = r['External_Id__c'];
    if (typeof key === 'string' && key.startsWith(`${tag}-`)) byKey.set(key, r);
  }
  return byKey;
}

/** Asserts that the org holds exactly these Contacts of the tag, every field as sent. */
export function assertOrgHolds(records: readonly OrgRecord[], tag: string, contacts: readonly Contact[]): void {
  const stored = taggedRecords(records, tag);
  assert.equal(stored.size, contacts.length, `Contacts tagged ${tag} in the org`);
  for (const contact of contacts) {
    const record = stored.get(String(contact.External_Id__c));
    assert.ok(record, `no Contact ${contact.External_Id__c} in the org`);
    for (const field of CONTACT_FIELDS) {
      if (record[field] !== contact[field]) {
        assert.fail(
          `${contact.External_Id__c}.${field}: org has ${String(record[field])}, sent ${String(contact[field])}`,
        );
      }
    }
  }
}

/** A value as a Salesforce CSV result shows it: null as an empty cell, checkboxes as `true`/`false`. */
export function csvText(value: FieldValue | undefined): string {
  return value === null || value === undefined ? '' : String(value);
}

/**
 * Asserts that query rows (converted to CSV text by `toText`) are exactly the org's Contacts of the tag:
 * one row per record, and every selected field equal to the stored value.
 */
export function assertRowsEqualOrg(
  rows: readonly Record<string, unknown>[],
  records: readonly OrgRecord[],
  tag: string,
  toText: (field: string, value: unknown) => string = (_field, value) => String(value),
): void {
  const stored = taggedRecords(records, tag);
  assert.equal(rows.length, stored.size, `query rows for ${tag}`);
  const seen = new Set<string>();
  for (const row of rows) {
    const key = toText('External_Id__c', row['External_Id__c']);
    const record = stored.get(key);
    assert.ok(record, `query returned ${key}, which the org does not hold`);
    assert.ok(!seen.has(key), `query returned ${key} twice`);
    seen.add(key);
    for (const field of ['Id', ...CONTACT_FIELDS]) {
      const got = toText(field, row[field]);
      if (got !== csvText(record[field]))
        assert.fail(`${key}.${field}: query gave ${got}, org has ${csvText(record[field])}`);
    }
  }
}

/** Splits a list into pieces of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const pieces: T[][] = [];
  for (let i = 0; i < items.length; i += size) pieces.push(items.slice(i, i + size));
  return pieces;
}

/** Runs a scenario and logs how long it took (the numbers CI time budgets are based on). */
export async function timed<T>(label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await run();
  } finally {
    console.log(`# timing ${label}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
}
