/**
 * Wire basics of Bulk API v1 ("async"): the dataload namespace, content types, exception codes, the XML and JSON
 * bodies it answers with, and its error shape. Response Content-Types carry no charset: some clients compare
 * them with `==`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/asynch_api_reference_errors.htm
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { sendText } from '../http/http-helpers.js';

/** Namespace of every Bulk v1 XML body. */
export const ASYNC_NS = 'http://www.force.com/2009/06/asyncapi/dataload';
export const XSI_NS = 'http://www.w3.org/2001/XMLSchema-instance';

/** Job content types the emulator accepts. */
export const V1ContentType = { XML: 'XML', CSV: 'CSV', JSON: 'JSON' } as const;
export type V1ContentType = (typeof V1ContentType)[keyof typeof V1ContentType];

/** The body format of job and batch info and errors: XML unless the job is JSON. */
export const InfoFormat = { Xml: 'xml', Json: 'json' } as const;
export type InfoFormat = (typeof InfoFormat)[keyof typeof InfoFormat];

/** Exception codes, spelled as in the Java client's AsyncExceptionCode enum. */
export const AsyncExceptionCode = {
  ClientInputError: 'ClientInputError',
  ExceededQuota: 'ExceededQuota',
  FeatureNotEnabled: 'FeatureNotEnabled',
  InvalidBatch: 'InvalidBatch',
  InvalidJob: 'InvalidJob',
  InvalidJobState: 'InvalidJobState',
  InvalidOperation: 'InvalidOperation',
  InvalidSessionId: 'InvalidSessionId',
  InvalidUrl: 'InvalidUrl',
  InvalidVersion: 'InvalidVersion',
  InvalidXml: 'InvalidXml',
} as const;
export type AsyncExceptionCode = (typeof AsyncExceptionCode)[keyof typeof AsyncExceptionCode];

/** An error answered as `<error><exceptionCode/><exceptionMessage/></error>` (or its JSON twin). */
export class AsyncApiError extends Error {
  constructor(
    readonly code: AsyncExceptionCode,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'AsyncApiError';
  }
}

/** The response Content-Type of each content type. */
export const MEDIA_TYPES: Readonly<Record<V1ContentType, string>> = {
  XML: 'application/xml',
  CSV: 'text/csv',
  JSON: 'application/json',
};

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
});

/** Reads request XML by local names; values stay text (ids and phone numbers are not numbers). */
export function createXmlParser(isArray?: (jpath: string) => boolean): XMLParser {
  return new XMLParser({
    removeNSPrefix: true,
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    ...(isArray ? { isArray: (_name: string, jpath: unknown) => isArray(String(jpath)) } : {}),
  });
}

/** An XML document whose root element is in the dataload namespace. */
export function xmlDocument(root: string, content: Record<string, unknown>, attributes: Record<string, string> = {}) {
  const rootAttributes: Record<string, string> = { '@_xmlns': ASYNC_NS };
  for (const [name, value] of Object.entries(attributes)) rootAttributes[`@_${name}`] = value;
  return DECLARATION + String(builder.build({ [root]: { ...rootAttributes, ...content } }));
}

/** Sends a body with one of the exact Bulk v1 media types. */
export function sendBody(res: ServerResponse, status: number, contentType: V1ContentType, body: string): void {
  res.writeHead(status, { 'Content-Type': MEDIA_TYPES[contentType], 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

/** Sends a 200 result body (batch results, query result files), gzip-compressed when the request accepts it. */
export function sendResult(req: IncomingMessage, res: ServerResponse, contentType: V1ContentType, body: string): void {
  sendText(req, res, { 'Content-Type': MEDIA_TYPES[contentType] }, body);
}

/** Sends job or batch info (or a list) in the given format. */
export function sendInfo(res: ServerResponse, status: number, format: InfoFormat, xml: () => string, json: unknown) {
  if (format === InfoFormat.Json) sendBody(res, status, V1ContentType.JSON, JSON.stringify(json));
  else sendBody(res, status, V1ContentType.XML, xml());
}

/** Sends an error in the format the client speaks. */
export function sendAsyncError(res: ServerResponse, format: InfoFormat, error: AsyncApiError): void {
  const content = { exceptionCode: error.code, exceptionMessage: error.message };
  sendInfo(res, error.status, format, () => xmlDocument('error', content), content);
}

/** Whether a request declares JSON in its Content-Type or Accept header. */
export function speaksJson(req: IncomingMessage): boolean {
  return /json/i.test(req.headers['content-type'] ?? '') || /^application\/json/i.test(req.headers.accept ?? '');
}

/** XML dates: `2021-04-16T14:47:55.000Z`. */
export function xmlDate(date: Date): string {
  return date.toISOString();
}

/** JSON dates: `2021-04-16T14:47:55.000+0000`. */
export function jsonDate(date: Date): string {
  return date.toISOString().replace('Z', '+0000');
}
