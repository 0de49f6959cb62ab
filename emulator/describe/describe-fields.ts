/**
 * One field of an sObject describe, in the JSON shape of Salesforce's `Field` (REST `…/describe`, SOAP
 * `DescribeSObjectResult.fields`), derived from the schema the org validates records against. Keys come out in
 * alphabetical order, as Salesforce writes them.
 *
 * Simplified on purpose, because the schemas do not carry the facts:
 * - `idLookup` is true for Id and external id fields only (Salesforce also marks Name, Email and a few others):
 *   those are exactly the fields the emulator's upsert matches on.
 * - `extraTypeInfo` is only `plaintextarea` for text areas (no `personname`, `imageurl`, …).
 * - `compoundFieldName`, `inlineHelpText`, `controllerName`, formulas and masks are always null; no field is
 *   calculated, encrypted, dependent or cascade-deleting; no picklist value has `validFor`.
 * - `permissionable` is true for the fields an admin could hide: optional, neither system-maintained nor the
 *   record's name.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
 */
import type { FieldValue } from '../org/field-values.js';
import { FieldType } from '../org/schemas.js';
import type { FieldSchema, SObjectSchema } from '../org/schemas.js';

/** A describe result as JSON. */
export type DescribeJson = Record<string, unknown>;

/** Fields the org writes on every insert or update; no client can set them. */
const SYSTEM_MAINTAINED: ReadonlySet<string> = new Set([
  'Id',
  'IsDeleted',
  'CreatedDate',
  'CreatedById',
  'LastModifiedDate',
  'LastModifiedById',
  'SystemModstamp',
]);

const SOAP_TYPES: Readonly<Record<FieldType, string>> = {
  [FieldType.Id]: 'tns:ID',
  [FieldType.Reference]: 'tns:ID',
  [FieldType.String]: 'xsd:string',
  [FieldType.TextArea]: 'xsd:string',
  [FieldType.Email]: 'xsd:string',
  [FieldType.Phone]: 'xsd:string',
  [FieldType.Url]: 'xsd:string',
  [FieldType.Picklist]: 'xsd:string',
  [FieldType.Currency]: 'xsd:double',
  [FieldType.Double]: 'xsd:double',
  [FieldType.Percent]: 'xsd:double',
  [FieldType.Int]: 'xsd:int',
  [FieldType.Boolean]: 'xsd:boolean',
  [FieldType.Date]: 'xsd:date',
  [FieldType.DateTime]: 'xsd:dateTime',
};

const TEXT_TYPES: ReadonlySet<FieldType> = new Set([
  FieldType.String,
  FieldType.TextArea,
  FieldType.Email,
  FieldType.Phone,
  FieldType.Url,
  FieldType.Picklist,
]);
const DECIMAL_TYPES: ReadonlySet<FieldType> = new Set([FieldType.Double, FieldType.Currency, FieldType.Percent]);

/** Text areas longer than 255 characters are long text areas: no filtering, sorting or grouping on them. */
function isLongText(field: FieldSchema): boolean {
  return field.type === FieldType.TextArea && (field.length ?? 0) > 255;
}

/**
 * The field that names a record: `Name` where the object has one, else its auto-number (Case.CaseNumber), as
 * Salesforce marks it with `nameField`.
 */
export function nameFieldOf(schema: SObjectSchema): FieldSchema | undefined {
  return schema.fields.find((f) => f.name === 'Name') ?? schema.fields.find((f) => f.autoNumber !== undefined);
}

/**
 * Whether a record may lack a value. Booleans never do; Id, owner and audit fields are always filled; a
 * read-only name (Contact.Name) is computed from other fields. A custom object's text Name is nillable: an
 * insert without one is named after its id.
 */
function isNillable(field: FieldSchema, isName: boolean): boolean {
  if (field.required === true || field.type === FieldType.Boolean || field.autoNumber !== undefined) return false;
  if (SYSTEM_MAINTAINED.has(field.name) || field.name === 'OwnerId') return false;
  return !(isName && !field.createable && !field.updateable);
}

/** Whether the org fills the field on insert when the client sends nothing. */
function isDefaultedOnCreate(field: FieldSchema): boolean {
  if (SYSTEM_MAINTAINED.has(field.name) || field.name === 'OwnerId') return true;
  return field.type === FieldType.Boolean || field.autoNumber !== undefined || field.defaultValue !== undefined;
}

/** The describe `defaultValue`: picklist defaults show in their picklist entry instead, checkboxes default false. */
function describedDefault(field: FieldSchema): FieldValue {
  if (field.type === FieldType.Picklist) return null;
  if (field.type === FieldType.Boolean) return field.defaultValue ?? false;
  return field.defaultValue ?? null;
}

function sizes(field: FieldSchema): DescribeJson {
  const isText = TEXT_TYPES.has(field.type);
  const isId = field.type === FieldType.Id || field.type === FieldType.Reference;
  const length = isText ? (field.length ?? 255) : isId ? 18 : 0;
  const decimal = DECIMAL_TYPES.has(field.type);
  return {
    byteLength: isText ? length * 3 : length,
    // Integers report their size in `digits`; decimals in `precision` and `scale`.
    digits: field.type === FieldType.Int ? (field.precision ?? 9) : 0,
    length,
    precision: decimal ? (field.precision ?? 18) : 0,
    scale: decimal ? (field.scale ?? 0) : 0,
  };
}

function capabilities(field: FieldSchema, isName: boolean): DescribeJson {
  const long = isLongText(field);
  // Salesforce groups neither decimals, date-times nor text areas of any length.
  const groupable =
    !DECIMAL_TYPES.has(field.type) && field.type !== FieldType.DateTime && field.type !== FieldType.TextArea;
  const system = SYSTEM_MAINTAINED.has(field.name) || field.name === 'OwnerId';
  return {
    aggregatable: !long,
    createable: field.createable,
    filterable: !long,
    groupable,
    permissionable: !system && !isName && field.required !== true && field.autoNumber === undefined,
    sortable: !long,
    updateable: field.updateable,
  };
}

function relationships(field: FieldSchema): DescribeJson {
  const referenceTo = field.referenceTo ?? [];
  // Standard lookups without a declared relationship (CreatedById) are named by dropping `Id`, as Salesforce does.
  const derived = field.type === FieldType.Reference && field.name.endsWith('Id') ? field.name.slice(0, -2) : null;
  return {
    polymorphicForeignKey: referenceTo.length > 1,
    referenceTo: [...referenceTo],
    relationshipName: field.relationshipName ?? derived,
  };
}

function picklistValues(field: FieldSchema): DescribeJson[] {
  if (field.type !== FieldType.Picklist) return [];
  return (field.picklistValues ?? []).map((value) => ({
    active: true,
    defaultValue: value === field.defaultValue,
    label: value,
    validFor: null,
    value,
  }));
}

/** What no emulated field is: formulas, encrypted, dependent, masked, HTML, AI predictions. */
const CONSTANT_FACTS: DescribeJson = {
  aiPredictionField: false,
  calculated: false,
  calculatedFormula: null,
  cascadeDelete: false,
  caseSensitive: false,
  compoundFieldName: null,
  controllerName: null,
  defaultValueFormula: null,
  dependentPicklist: false,
  deprecatedAndHidden: false,
  displayLocationInDecimal: false,
  encrypted: false,
  filteredLookupInfo: null,
  formulaTreatNullNumberAsZero: false,
  highScaleNumber: false,
  htmlFormatted: false,
  inlineHelpText: null,
  mask: null,
  maskType: null,
  namePointing: false,
  queryByDistance: false,
  referenceTargetField: null,
  relationshipOrder: null,
  restrictedDelete: false,
  searchPrefilterable: false,
  writeRequiresMasterRead: false,
};

/** A copy of `json` with its keys in alphabetical order. */
export function sortedKeys(json: DescribeJson): DescribeJson {
  return Object.fromEntries(Object.entries(json).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The describe of one field of `schema`. */
export function describeField(schema: SObjectSchema, field: FieldSchema): DescribeJson {
  const isName = nameFieldOf(schema) === field;
  return sortedKeys({
    ...CONSTANT_FACTS,
    ...sizes(field),
    ...capabilities(field, isName),
    ...relationships(field),
    autoNumber: field.autoNumber !== undefined,
    custom: field.name.endsWith('__c'),
    defaultValue: describedDefault(field),
    defaultedOnCreate: isDefaultedOnCreate(field),
    externalId: field.externalId === true,
    extraTypeInfo: field.type === FieldType.TextArea ? 'plaintextarea' : null,
    idLookup: field.type === FieldType.Id || field.externalId === true,
    label: field.label,
    name: field.name,
    nameField: isName,
    nillable: isNillable(field, isName),
    picklistValues: picklistValues(field),
    restrictedPicklist: field.restrictedPicklist === true,
    soapType: SOAP_TYPES[field.type],
    type: field.type,
    unique: field.unique === true,
  });
}
