/**
 * Org configuration: custom objects (`Invoice__c`, with an org-specific key prefix) and custom fields added to
 * standard objects, declared as plain data in the emulator's options and turned into schemas here. Invalid
 * definitions are refused when the emulator starts, not when a job first touches them.
 */
import type { FieldValue } from './field-values.js';
import { FieldType, fields as f, systemFields } from './schemas.js';
import type { FieldSchema, SObjectSchema } from './schemas.js';

/** Field types a custom field may have, spelled as in describe results. */
export const CustomFieldType = {
  String: 'string',
  TextArea: 'textarea',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Int: 'int',
  Double: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Boolean: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Picklist: 'picklist',
  Reference: 'reference',
} as const;
export type CustomFieldType = (typeof CustomFieldType)[keyof typeof CustomFieldType];

/** One custom field; its API name ends in `__c`. */
export interface CustomFieldDefinition {
  name: string;
  /** @default the name without `__c`, underscores as spaces */
  label?: string;
  type: CustomFieldType;
  /** Text length. @default 255 (32768 for textarea) */
  length?: number;
  /** Total digits and digits after the point for numbers. @default 18 and 0 (2 for double, currency) */
  precision?: number;
  scale?: number;
  required?: boolean;
  unique?: boolean;
  externalId?: boolean;
  /** Picklist values; with `restricted`, other values are refused. */
  picklistValues?: readonly string[];
  restricted?: boolean;
  /** Reference target object, e.g. `Account` or `Invoice__c`. */
  referenceTo?: string;
  /** @default the name with `__c` replaced by `__r` */
  relationshipName?: string;
  defaultValue?: FieldValue;
}

/**
 * A custom object (name ending `__c`, with `keyPrefix`) or extra fields for a standard object (its name, no
 * `keyPrefix`). Custom objects get the system fields and a `Name` text field; a record inserted without a
 * Name is named after its id, as Salesforce does.
 */
export interface CustomObjectDefinition {
  name: string;
  label?: string;
  /** Three base-62 characters, e.g. `a01`; required for custom objects. */
  keyPrefix?: string;
  fields: readonly CustomFieldDefinition[];
}

const API_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*__c$/;
const KEY_PREFIX = /^[0-9A-Za-z]{3}$/;

function invalid(message: string): never {
  throw new RangeError(`options.customObjects: ${message}`);
}

function labelOf(name: string): string {
  return name.replace(/__c$/, '').replaceAll('_', ' ');
}

function numberField(definition: CustomFieldDefinition, label: string): FieldSchema {
  const defaultScale = definition.type === 'double' || definition.type === 'currency' ? 2 : 0;
  const precision = definition.precision ?? 18;
  const scale = definition.scale ?? defaultScale;
  if (scale > precision) invalid(`${definition.name}: scale ${scale} exceeds precision ${precision}`);
  return { ...f.double(definition.name, label, precision, scale), type: definition.type };
}

function baseField(definition: CustomFieldDefinition, label: string): FieldSchema {
  const { name, type } = definition;
  switch (type) {
    case 'string':
      return f.text(name, label, definition.length ?? 255);
    case 'textarea':
      return f.textArea(name, label, definition.length ?? 32768);
    case 'email':
      return f.email(name, label);
    case 'phone':
      return f.phone(name, label);
    case 'url':
      return f.url(name, label);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return numberField(definition, label);
    case 'boolean':
      return f.boolean(name, label);
    case 'date':
      return f.date(name, label);
    case 'datetime':
      return f.dateTime(name, label);
    case 'picklist':
      if (!definition.picklistValues?.length) invalid(`${name}: a picklist needs picklistValues`);
      return f.picklist(name, label, definition.picklistValues, definition.restricted === true);
    case 'reference':
      if (!definition.referenceTo) invalid(`${name}: a reference needs referenceTo`);
      return f.lookup(name, label, definition.referenceTo, definition.relationshipName ?? name.replace(/__c$/, '__r'));
    default:
      return invalid(`${String(name)}: unknown field type '${String(type)}'`);
  }
}

/** The schema of one custom field; throws RangeError for an invalid definition. */
export function customField(definition: CustomFieldDefinition): FieldSchema {
  if (!API_NAME.test(definition.name)) invalid(`field name '${definition.name}' must look like My_Field__c`);
  const field = baseField(definition, definition.label ?? labelOf(definition.name));
  if (definition.required) field.required = true;
  if (definition.unique) field.unique = true;
  if (definition.externalId) {
    const allowed: readonly FieldType[] = [FieldType.String, FieldType.Email, FieldType.Int, FieldType.Double];
    if (!allowed.includes(field.type))
      invalid(`${definition.name}: only text, email and number fields can be external ids`);
    field.externalId = true;
  }
  if (definition.defaultValue !== undefined) field.defaultValue = definition.defaultValue;
  return field;
}

function customObject(definition: CustomObjectDefinition, taken: Set<string>): SObjectSchema {
  const { name, keyPrefix } = definition;
  if (!API_NAME.test(name)) invalid(`object name '${name}' must look like My_Object__c`);
  if (keyPrefix === undefined || !KEY_PREFIX.test(keyPrefix))
    invalid(`${name}: keyPrefix must be 3 characters such as a01`);
  if (taken.has(keyPrefix)) invalid(`${name}: keyPrefix ${keyPrefix} is already used`);
  taken.add(keyPrefix);
  return {
    name,
    label: definition.label ?? labelOf(name),
    keyPrefix,
    fields: [
      ...systemFields(),
      f.text('Name', `${definition.label ?? labelOf(name)} Name`, 80),
      ...definition.fields.map(customField),
    ],
    derive: (record) => ({ Name: record['Name'] ?? record['Id'] ?? null }),
  };
}

function checkUniqueNames(schema: SObjectSchema): void {
  const seen = new Set<string>();
  for (const field of schema.fields) {
    const key = field.name.toLowerCase();
    if (seen.has(key)) invalid(`${schema.name}.${field.name} is defined twice`);
    seen.add(key);
  }
}

/** The standard objects, extended and joined by the configured custom objects. Throws RangeError. */
export function buildObjects(
  standard: readonly SObjectSchema[],
  definitions: readonly CustomObjectDefinition[] = [],
): SObjectSchema[] {
  const objects = new Map(standard.map((schema) => [schema.name.toLowerCase(), schema]));
  const taken = new Set(standard.map((schema) => schema.keyPrefix));
  for (const definition of definitions) {
    const existing = objects.get(definition.name.toLowerCase());
    let schema: SObjectSchema;
    if (existing) {
      if (definition.keyPrefix !== undefined) invalid(`${definition.name} exists already; it takes no keyPrefix`);
      schema = { ...existing, fields: [...existing.fields, ...definition.fields.map(customField)] };
    } else {
      schema = customObject(definition, taken);
    }
    checkUniqueNames(schema);
    objects.set(schema.name.toLowerCase(), schema);
  }
  return [...objects.values()].map((schema) => canonicalReferences(schema, objects));
}

/** Spells reference targets as their objects are named, refusing unknown ones. */
function canonicalReferences(schema: SObjectSchema, objects: ReadonlyMap<string, SObjectSchema>): SObjectSchema {
  const fields = schema.fields.map((field) => {
    if (!field.referenceTo) return field;
    const referenceTo = field.referenceTo.map((target) => {
      // Profile is referred to (User.ProfileId) but not modelled.
      if (target === 'Profile') return target;
      const object = objects.get(target.toLowerCase());
      if (!object) invalid(`${schema.name}.${field.name} refers to unknown object '${target}'`);
      return object.name;
    });
    return { ...field, referenceTo };
  });
  return { ...schema, fields };
}
