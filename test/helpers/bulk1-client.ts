/** A small Bulk v1 client for emulator tests: SOAP login, jobs and batches over fetch, XML or JSON answers. */
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { DEV_CREDENTIALS } from '../../emulator/index.js';
import { eventually } from './eventually.js';

export const V1_VERSION = '59.0';
export const ASYNC_NS = 'http://www.force.com/2009/06/asyncapi/dataload';

const parser = new XMLParser({ parseTagValue: false, ignoreAttributes: false, attributeNamePrefix: '@_' });

/** A login envelope shaped like jsforce's (prefix `se:`, default namespace on `<login>`). */
export function loginEnvelope(username: string, password: string): string {
  return (
    '<?xml version="1.0" encoding="utf-8" ?><se:Envelope xmlns:se="http://schemas.xmlsoap.org/soap/envelope/">' +
    '<se:Header/><se:Body><login xmlns="urn:partner.soap.sforce.com">' +
    `<username>${username}</username><password>${password}</password></login></se:Body></se:Envelope>`
  );
}

/** Logs in through SOAP and returns the session id. */
export async function soapLogin(baseUrl: string): Promise<string> {
  const password = DEV_CREDENTIALS.password + DEV_CREDENTIALS.securityToken;
  const res = await fetch(`${baseUrl}/services/Soap/u/${V1_VERSION}`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/xml', SOAPAction: '""' },
    body: loginEnvelope(DEV_CREDENTIALS.username, password),
  });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return /<sessionId>([^<]+)<\/sessionId>/.exec(text)?.[1] ?? assert.fail('no sessionId');
}

/** Parses an XML body; the root element's content is returned. */
export function parseXml(text: string, root: string): Record<string, unknown> {
  const document = parser.parse(text) as Record<string, unknown>;
  return (document[root] as Record<string, unknown>) ?? assert.fail(`no <${root}> in ${text}`);
}

export type Info = Record<string, unknown> & { id: string; state: string };

/** A response read as text, with its status and Content-Type. */
export interface Answer {
  status: number;
  contentType: string;
  text: string;
}

/** Requests under `/services/async/59.0/job`. */
export class V1Client {
  constructor(
    readonly baseUrl: string,
    readonly session: string,
  ) {}

  async call(method: string, path: string, body?: string | Buffer, headers: Record<string, string> = {}) {
    const res = await fetch(`${this.baseUrl}/services/async/${V1_VERSION}/job${path}`, {
      method,
      headers: { 'X-SFDC-Session': this.session, ...headers },
      ...(body === undefined ? {} : { body }),
    });
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
  }

  /** Reads job or batch info in either format. */
  static info(answer: Answer, root: string): Info {
    if (answer.contentType === 'application/json') return JSON.parse(answer.text) as Info;
    return parseXml(answer.text, root) as Info;
  }

  /** Creates an XML-described job (as jsforce does) and returns its info. */
  async createXmlJob(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Info> {
    const elements = Object.entries(fields)
      .map(([key, value]) => `<${key}>${value}</${key}>`)
      .join('');
    const body = `<?xml version="1.0" encoding="UTF-8"?><jobInfo xmlns="${ASYNC_NS}">${elements}</jobInfo>`;
    const answer = await this.call('POST', '', body, { 'Content-Type': 'application/xml; charset=utf-8', ...headers });
    assert.equal(answer.status, 201, answer.text);
    return V1Client.info(answer, 'jobInfo');
  }

  /** Creates a JSON-described job (as simple-salesforce does). */
  async createJsonJob(fields: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Info> {
    const answer = await this.call('POST', '', JSON.stringify(fields), {
      'Content-Type': 'application/json',
      ...headers,
    });
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.contentType, 'application/json');
    return V1Client.info(answer, 'jobInfo');
  }

  async addBatch(jobId: string, body: string | Buffer, contentType: string): Promise<Info> {
    const answer = await this.call('POST', `/${jobId}/batch`, body, { 'Content-Type': contentType });
    assert.equal(answer.status, 201, answer.text);
    return V1Client.info(answer, 'batchInfo');
  }

  async batch(jobId: string, batchId: string): Promise<Info> {
    return V1Client.info(await this.call('GET', `/${jobId}/batch/${batchId}`), 'batchInfo');
  }

  async job(jobId: string): Promise<Info> {
    return V1Client.info(await this.call('GET', `/${jobId}`), 'jobInfo');
  }

  /** Every batch of a job, in either format. */
  async batches(jobId: string): Promise<Info[]> {
    const answer = await this.call('GET', `/${jobId}/batch`);
    if (answer.contentType === 'application/json') return (JSON.parse(answer.text) as { batchInfo: Info[] }).batchInfo;
    const list = parseXml(answer.text, 'batchInfoList')['batchInfo'];
    if (list === undefined) return [];
    return (Array.isArray(list) ? list : [list]) as Info[];
  }

  /** Polls a batch until it reaches a final state. */
  async waitBatch(jobId: string, batchId: string, timeoutMs = 10_000): Promise<Info> {
    return eventually(() => this.batch(jobId, batchId), {
      until: (info) => ['Completed', 'Failed', 'NotProcessed'].includes(info.state),
      timeoutMs,
      intervalMs: 10,
      what: `batch ${batchId} to reach a final state`,
    });
  }

  async setState(jobId: string, state: string, json = false): Promise<Answer> {
    const body = json
      ? JSON.stringify({ state })
      : `<?xml version="1.0" encoding="UTF-8"?>\n  <jobInfo xmlns="${ASYNC_NS}">\n  <state>${state}</state>\n</jobInfo>`;
    return this.call('POST', `/${jobId}`, body, { 'Content-Type': json ? 'application/json' : 'application/xml' });
  }

  async result(jobId: string, batchId: string, resultId?: string): Promise<Answer> {
    return this.call('GET', `/${jobId}/batch/${batchId}/result${resultId === undefined ? '' : `/${resultId}`}`);
  }
}

/** An exact v1 XML error body. */
export function xmlError(code: string, message: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?><error xmlns="${ASYNC_NS}">` +
    `<exceptionCode>${code}</exceptionCode><exceptionMessage>${message}</exceptionMessage></error>`
  );
}
