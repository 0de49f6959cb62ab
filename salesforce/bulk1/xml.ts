/**
 * XML of Bulk API v1: one parser configuration for every answer (namespace prefixes dropped, values kept as
 * text), and the builders for the bodies the client sends (`jobInfo` requests and `sObjects` batches).
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/datafiles_xml_valid_records.htm
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import type { Bulk1FieldValue, Bulk1Record } from './types.js';
import { InputError } from '../../common/errors.js';

/** The namespace of every Bulk v1 XML body. */
export const ASYNC_NS = 'http://www.force.com/2009/06/asyncapi/dataload';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

const DECLARATION = { '@_version': '1.0', '@_encoding': 'UTF-8' };

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: true,
});

/** Element paths (`root.child.grandchild`) that are always arrays, however many elements there are. */
const ARRAY_PATHS = new Set([
  'batchInfoList.batchInfo',
  'result-list.result',
  'results.result',
  'results.result.errors',
  'results.result.errors.fields',
  'sObjects.sObject',
]);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (_name, jpath) => ARRAY_PATHS.has(String(jpath)),
});

/** Parses an XML answer into plain objects (attributes as `@_name`, text values as strings). */
export function parseXml(text: string): Record<string, unknown> {
  return parser.parse(text) as Record<string, unknown>;
}

/** Builds a document whose root element is in the dataload namespace. */
export function buildXmlDocument(
  root: string,
  content: Record<string, unknown>,
  attributes: Record<string, string> = {},
): string {
  const rootAttributes: Record<string, string> = { '@_xmlns': ASYNC_NS };
  for (const [name, value] of Object.entries(attributes)) rootAttributes[`@_${name}`] = value;
  return String(builder.build({ '?xml': DECLARATION, [root]: { ...rootAttributes, ...content } }));
}

/** A `<jobInfo>` request; entries are written in the order given (Salesforce's own element order). */
export function jobInfoXml(entries: ReadonlyArray<readonly [string, string | undefined]>): string {
  const content: Record<string, string> = {};
  for (const [key, value] of entries) if (value !== undefined) content[key] = value;
  return buildXmlDocument('jobInfo', content);
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Checks that a record key is a field or relationship name, so that it can be an element or a CSV column. */
export function checkFieldName(name: string): string {
  if (!FIELD_NAME.test(name)) throw new InputError(`"${name}" is not a valid Salesforce field name.`);
  return name;
}

/** A record's field value as text: dates as ISO 8601, numbers and booleans as written by `String`. */
export function scalarText(value: Exclude<Bulk1FieldValue, Bulk1Record | null | undefined>): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

export function isNestedRecord(value: Bulk1FieldValue): value is Bulk1Record {
  return typeof value === 'object' && value !== null && !(value instanceof Date);
}

/** One record as the content of an `<sObject>`: null → `xsi:nil="true"`, a nested record → an inner sObject. */
export function sObjectContent(record: Bulk1Record): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    checkFieldName(key);
    if (value === null) content[key] = { '@_xsi:nil': 'true' };
    else if (isNestedRecord(value)) content[key] = { sObject: sObjectContent(value) };
    else content[key] = scalarText(value);
  }
  return content;
}

/** The bytes one record adds to an `sObjects` document (used to keep batches under 10 MB). */
export function sObjectBytes(record: Bulk1Record): number {
  return Buffer.byteLength(String(builder.build({ sObject: sObjectContent(record) })));
}

/** An `<sObjects>` batch document. */
export function sObjectsXml(records: readonly Bulk1Record[]): string {
  return buildXmlDocument('sObjects', { sObject: records.map(sObjectContent) }, { 'xmlns:xsi': XSI_NS });
}

/** Bytes of an `sObjects` document around its records (declaration, root element and its closing tag). */
export const SOBJECTS_OVERHEAD_BYTES = Buffer.byteLength(sObjectsXml([])) + '</sObjects>'.length;
