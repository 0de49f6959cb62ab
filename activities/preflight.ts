/**
 * Pre-flight of an ingest against the org's schema, from the CSV header alone, before any Salesforce job exists:
 * what Salesforce would refuse (a whole job failing with `InvalidBatch : Field name not found`, or every row
 * failing) is refused here, with the columns named. Pure rules over describe results; the staging activity
 * runs them as soon as it has read the header.
 *
 * @see https://developer.salesforce.com/docs/platform/api-asynch/guide/relationship-fields-in-a-header-row-2-0.html
 * @see https://developer.salesforce.com/docs/platform/api-asynch/guide/datafiles-csv-preparing.html
 */
import { type DescribeField, type IngestOperation, type SObjectDescribe } from '../salesforce/index.js';
import { suggest } from '../salesforce/org/describe.js';
import { InputError, InputProblem } from '../common/errors.js';

/** What is loaded where: the parts of a job a pre-flight checks the header against. */
export interface IngestTarget {
  object: string;
  operation: IngestOperation;
  /** The upsert key. */
  externalIdFieldName?: string;
}

/** Reads an object's describe (the Salesforce client's cached `describe.describeSObject`, or fixed JSON in tests). */
export type DescribeObject = (objectName: string) => Promise<SObjectDescribe>;

/** A header column and what it writes. */
interface Column {
  name: string;
  index: number;
  /** The field the column sets: itself, or a relationship column's reference field. */
  field: DescribeField;
}

/** What a header column resolves to: the field it writes, or why it writes none. */
type Resolution = { field: DescribeField } | { why: string; notKey?: boolean };

/** A column refused, and why, for the message. */
interface Refusal {
  name: string;
  index: number;
  why: string;
}

const byName = (sobject: SObjectDescribe, name: string) =>
  sobject.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());

const isKey = (f: DescribeField) => f.externalId || f.idLookup;

function refuse(problem: InputProblem, message: string, refusals: readonly Refusal[]): never {
  const first = refusals[0];
  throw new InputError(message, {
    problem,
    location: {
      ...(first ? { column: first.index + 1, field: first.name } : {}),
      ...(refusals.length > 1 ? { fields: refusals.map((r) => r.name) } : {}),
    },
  });
}

const listed = (refusals: readonly Refusal[]) =>
  refusals.map((r) => `${r.name} (column ${r.index + 1}${r.why ? `; ${r.why}` : ''})`).join(', ');

/**
 * Checks `columns` (a checked header) for `target`. Throws `InputError` (`SF_INVALID_INPUT`, not
 * retried) with the problem (`SF_UNKNOWN_OBJECT`, `SF_UNKNOWN_FIELD`, `SF_INVALID_EXTERNAL_ID`,
 * `SF_MISSING_COLUMN`, `SF_FIELD_NOT_WRITABLE`) and the columns at fault; resolves when Salesforce would accept
 * the header.
 */
export async function checkIngestColumns(
  target: IngestTarget,
  columns: readonly string[],
  describe: DescribeObject,
): Promise<void> {
  const sobject = await describe(target.object);
  const key = target.operation === 'upsert' ? upsertKey(sobject, target.externalIdFieldName) : undefined;

  const resolved: Column[] = [];
  const unknown: Refusal[] = [];
  const notKeys: Refusal[] = [];
  for (const [index, name] of columns.entries()) {
    const outcome = name.includes('.')
      ? await resolveRelationship(sobject, name, describe)
      : resolveField(sobject, name);
    if ('field' in outcome) resolved.push({ name, index, field: outcome.field });
    else (outcome.notKey ? notKeys : unknown).push({ name, index, why: outcome.why });
  }
  if (unknown.length) {
    refuse(
      InputProblem.UnknownField,
      `${sobject.name} has no field for ${unknown.length === 1 ? 'column' : 'columns'} ${listed(unknown)}. ` +
        'Header columns must be field API names, or relationships such as Account.External_Id__c.',
      unknown,
    );
  }
  if (notKeys.length) {
    refuse(
      InputProblem.InvalidExternalId,
      `Relationship ${notKeys.length === 1 ? 'column' : 'columns'} ${listed(notKeys)} must name an external id ` +
        'or id lookup field of the parent object: only those identify one parent record.',
      notKeys,
    );
  }
  checkKeyColumns(target, sobject, resolved, key);
  checkWritable(target, sobject, resolved, key);
  if (target.operation === 'insert') checkRequired(sobject, resolved);
}

function resolveField(sobject: SObjectDescribe, name: string): Resolution {
  const field = byName(sobject, name);
  if (field) return { field };
  const near = suggest(
    name,
    sobject.fields.map((f) => f.name),
  );
  return { why: near.length ? `did you mean ${near.join(' or ')}?` : '' };
}

/** `Rel.Field`, or `Type:Rel.Field` for a polymorphic reference: a reference field and a key of its target. */
async function resolveRelationship(
  sobject: SObjectDescribe,
  name: string,
  describe: DescribeObject,
): Promise<Resolution> {
  const match = /^(?:([A-Za-z0-9_]+):)?([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)$/.exec(name);
  if (!match) return { why: 'a relationship column is Relationship.Field, one level deep' };
  const [, type, relationship = '', targetField = ''] = match;
  const references = sobject.fields.filter((f) => f.type === 'reference' && f.relationshipName);
  const reference = references.find((f) => f.relationshipName?.toLowerCase() === relationship.toLowerCase());
  if (!reference) {
    const near = suggest(
      relationship,
      references.map((f) => f.relationshipName ?? ''),
    );
    return { why: `no relationship ${relationship}${near.length ? `; did you mean ${near.join(' or ')}?` : ''}` };
  }
  const targets = reference.referenceTo ?? [];
  const parentName = type ? targets.find((t) => t.toLowerCase() === type.toLowerCase()) : targets[0];
  if (!parentName) return { why: `${reference.name} does not point at ${type ?? 'any object'}` };
  if (!type && targets.length > 1) {
    return { why: `${reference.name} points at ${targets.join(', ')}: name one, as in ${targets[0]}:${name}` };
  }
  const parent = await describe(parentName);
  const field = byName(parent, targetField);
  if (!field) {
    const near = suggest(
      targetField,
      parent.fields.map((f) => f.name),
    );
    return {
      why: `${parent.name} has no field ${targetField}${near.length ? `; did you mean ${near.join(' or ')}?` : ''}`,
    };
  }
  if (!isKey(field)) return { why: '', notKey: true };
  return { field: reference };
}

/** The upsert key: given, a field of the object, and an external id or id lookup field. */
function upsertKey(sobject: SObjectDescribe, name: string | undefined): DescribeField {
  const keys = sobject.fields.filter(isKey).map((f) => f.name);
  const use = `upsert can match on ${keys.join(', ') || 'no field of it'}`;
  if (!name) refuse(InputProblem.InvalidExternalId, `An upsert needs an external id field: ${use}.`, []);
  const field = byName(sobject, name);
  if (field && isKey(field)) return field;
  const why = field ? 'is not an external id or id lookup field' : 'is not a field';
  throw new InputError(`${name} ${why} of ${sobject.name}: ${use}.`, {
    problem: InputProblem.InvalidExternalId,
    location: { field: name },
  });
}

/** Update and delete find records by Id; an upsert by its key, which must be a column. */
function checkKeyColumns(
  target: IngestTarget,
  sobject: SObjectDescribe,
  columns: readonly Column[],
  key: DescribeField | undefined,
): void {
  const has = (field: string) => columns.some((c) => c.field.name.toLowerCase() === field.toLowerCase());
  const op = target.operation;
  if ((op === 'update' || op === 'delete' || op === 'hardDelete') && !has('Id')) {
    const alternative = op === 'update' ? ' (to match on another field, upsert on an external id)' : '';
    refuse(
      InputProblem.MissingColumn,
      `${op} of ${sobject.name} needs an Id column: it finds each record by its Id${alternative}.`,
      [],
    );
  }
  if (key && !has(key.name)) {
    refuse(
      InputProblem.MissingColumn,
      `upsert of ${sobject.name} on ${key.name} needs the column ${key.name}: it finds each record by that value.`,
      [],
    );
  }
}

/** Insert sets createable fields, update updateable ones, upsert both; the key a record is found by is read only. */
function checkWritable(
  target: IngestTarget,
  sobject: SObjectDescribe,
  columns: readonly Column[],
  key: DescribeField | undefined,
): void {
  const op = target.operation;
  if (op === 'delete' || op === 'hardDelete') return;
  const refused: Refusal[] = [];
  for (const { name, index, field } of columns) {
    const isFinder = (op === 'update' && field.name === 'Id') || (key !== undefined && field.name === key.name);
    if (isFinder) continue;
    const why = [
      op !== 'update' && !field.createable ? 'not createable' : '',
      op !== 'insert' && !field.updateable ? 'not updateable' : '',
    ].filter(Boolean);
    if (why.length) refused.push({ name, index, why: why.join(', ') });
  }
  if (refused.length) {
    refuse(
      InputProblem.FieldNotWritable,
      `${op} of ${sobject.name} cannot set ${listed(refused)}: remove ${refused.length === 1 ? 'that column' : 'those columns'}.`,
      refused,
    );
  }
}

/** An insert needs every field that has to have a value and gets none from Salesforce. */
function checkRequired(sobject: SObjectDescribe, columns: readonly Column[]): void {
  const present = new Set(columns.map((c) => c.field.name.toLowerCase()));
  const missing = sobject.fields.filter(
    (f) => f.createable && !f.nillable && !f.defaultedOnCreate && !present.has(f.name.toLowerCase()),
  );
  if (missing.length === 0) return;
  const names = missing.map((f) => f.name);
  const one = names.length === 1;
  throw new InputError(
    `insert into ${sobject.name} needs ${one ? 'a column for the required field' : 'columns for the required fields'} ` +
      `${names.join(', ')}: ${one ? 'it' : 'they'} cannot be empty and Salesforce gives ${one ? 'it' : 'them'} ` +
      'no default, so every row would fail.',
    {
      problem: InputProblem.MissingColumn,
      location: { field: names[0] ?? '', ...(names.length > 1 ? { fields: names } : {}) },
    },
  );
}
