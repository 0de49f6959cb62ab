/**
 * sObject schemas: the describe data the org validates records against. Objects are plain configuration, so
 * more standard objects and custom objects (with external ids, restricted picklists and lookups) are added by
 * defining them, not by new code.
 */
/** A field's value as the org stores it (`null` for empty). */
export type FieldValue = string | number | boolean | null;

/** Field data types, spelled as in Salesforce describe results. */
export const FieldType = {
  Id: 'id',
  String: 'string',
  TextArea: 'textarea',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Picklist: 'picklist',
  Currency: 'currency',
  Double: 'double',
  Percent: 'percent',
  Int: 'int',
  Boolean: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Reference: 'reference',
} as const;
export type FieldType = (typeof FieldType)[keyof typeof FieldType];

/** One field of an sObject. */
export interface FieldSchema {
  name: string;
  label: string;
  type: FieldType;
  /** Maximum characters for text types. */
  length?: number;
  /** Total digits and digits after the point, for numeric types. */
  precision?: number;
  scale?: number;
  /** Must have a value on create and keep one on update. */
  required?: boolean;
  createable: boolean;
  updateable: boolean;
  externalId?: boolean;
  unique?: boolean;
  picklistValues?: readonly string[];
  /** Values outside picklistValues are rejected only when restricted. */
  restrictedPicklist?: boolean;
  /** Objects a reference field may point at. */
  referenceTo?: readonly string[];
  /** Name used in relationship columns such as `Account.External_Id__c`. */
  relationshipName?: string;
  /** Value a new record starts with when the row leaves the field empty (picklist defaults). */
  defaultValue?: FieldValue;
  /** Read-only number the org assigns on insert, zero-padded to `digits`, such as Case.CaseNumber. */
  autoNumber?: { digits: number };
}

/** An sObject: its name, key prefix and fields. */
export interface SObjectSchema {
  name: string;
  label: string;
  keyPrefix: string;
  fields: readonly FieldSchema[];
  /** The API reads its records but the emulator writes none: ingest jobs on the object are refused. */
  queryOnly?: boolean;
  /** Computes read-only fields such as Contact.Name from the others after each write. */
  derive?: (record: Record<string, unknown>) => Record<string, unknown>;
}

type FieldExtras = Partial<Omit<FieldSchema, 'name' | 'label' | 'type'>>;

function field(name: string, label: string, type: FieldType, extras: FieldExtras = {}): FieldSchema {
  return { name, label, type, createable: true, updateable: true, ...extras };
}

/** Field builders, so object definitions read like a describe listing. */
export const fields = {
  text: (name: string, label: string, length: number, extras: FieldExtras = {}) =>
    field(name, label, FieldType.String, { length, ...extras }),
  textArea: (name: string, label: string, length: number) => field(name, label, FieldType.TextArea, { length }),
  email: (name: string, label: string) => field(name, label, FieldType.Email, { length: 80 }),
  phone: (name: string, label: string) => field(name, label, FieldType.Phone, { length: 40 }),
  url: (name: string, label: string) => field(name, label, FieldType.Url, { length: 255 }),
  picklist: (name: string, label: string, values: readonly string[], restricted = false) =>
    field(name, label, FieldType.Picklist, { length: 255, picklistValues: values, restrictedPicklist: restricted }),
  currency: (name: string, label: string, precision = 18, scale = 0) =>
    field(name, label, FieldType.Currency, { precision, scale }),
  double: (name: string, label: string, precision = 18, scale = 2) =>
    field(name, label, FieldType.Double, { precision, scale }),
  int: (name: string, label: string, precision = 8) => field(name, label, FieldType.Int, { precision, scale: 0 }),
  boolean: (name: string, label: string) => field(name, label, FieldType.Boolean),
  date: (name: string, label: string) => field(name, label, FieldType.Date),
  dateTime: (name: string, label: string) => field(name, label, FieldType.DateTime),
  lookup: (name: string, label: string, referenceTo: string, relationshipName: string) =>
    field(name, label, FieldType.Reference, { length: 18, referenceTo: [referenceTo], relationshipName }),
  externalId: (name: string, label: string, length = 255) =>
    field(name, label, FieldType.String, { length, externalId: true, unique: true }),
};

/** Fields every sObject has; the org maintains them, so none can be written through the API. */
export function systemFields(): FieldSchema[] {
  const readOnly = { createable: false, updateable: false } as const;
  return [
    field('Id', 'Record ID', FieldType.Id, { length: 18, ...readOnly }),
    field('IsDeleted', 'Deleted', FieldType.Boolean, readOnly),
    field('OwnerId', 'Owner ID', FieldType.Reference, { length: 18, referenceTo: ['User'], relationshipName: 'Owner' }),
    field('CreatedDate', 'Created Date', FieldType.DateTime, readOnly),
    field('CreatedById', 'Created By ID', FieldType.Reference, {
      referenceTo: ['User'],
      relationshipName: 'CreatedBy',
      ...readOnly,
    }),
    field('LastModifiedDate', 'Last Modified Date', FieldType.DateTime, readOnly),
    field('LastModifiedById', 'Last Modified By ID', FieldType.Reference, {
      referenceTo: ['User'],
      relationshipName: 'LastModifiedBy',
      ...readOnly,
    }),
    field('SystemModstamp', 'System Modstamp', FieldType.DateTime, readOnly),
  ];
}

/** Objects by name, looked up case-insensitively as the API does. */
export class SchemaRegistry {
  readonly #objects = new Map<string, SObjectSchema>();
  readonly #byPrefix = new Map<string, SObjectSchema>();

  define(schema: SObjectSchema): void {
    this.#objects.set(schema.name.toLowerCase(), schema);
    this.#byPrefix.set(schema.keyPrefix, schema);
  }

  get(name: string): SObjectSchema | undefined {
    return this.#objects.get(name.toLowerCase());
  }

  byKeyPrefix(prefix: string): SObjectSchema | undefined {
    return this.#byPrefix.get(prefix);
  }

  list(): SObjectSchema[] {
    return [...this.#objects.values()];
  }
}

/** A field of an object by name, case-insensitively. */
export function findField(schema: SObjectSchema, name: string): FieldSchema | undefined {
  const wanted = name.toLowerCase();
  return schema.fields.find((f) => f.name.toLowerCase() === wanted);
}
