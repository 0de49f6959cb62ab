/**
 * The job lists of Bulk 2.0, `GET …/jobs/ingest` and `GET …/jobs/query`. Each shows its own Bulk 2.0 jobs and
 * every Bulk API (v1) job, `jobType: "Classic"`, as Salesforce documents; pages of 1000 with a `queryLocator`
 * in `nextRecordsUrl`, which carries the filters along. Filters: `jobType` (BigObjectIngest, Classic,
 * V2Ingest, V2Query), `isPkChunkingEnabled` (true: v1 jobs with PK chunking only; false: the others) and
 * `concurrencyMode` (serial or parallel, in any case). A value outside those answers 400 API_ERROR naming the
 * parameter (Salesforce's wording is not documented).
 *
 * Jobs come in creation order (Salesforce promises no order). Classic entries have the Bulk 2.0 list's
 * fields with v1's values: `contentType` XML, CSV or JSON, `concurrencyMode` Parallel or Serial, no
 * `lineEnding`, `columnDelimiter` or `contentUrl`.
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_all_jobs.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/query_get_all_jobs.htm
 */
import type { V1Job } from '../bulk1/v1-jobs.js';
import { restError } from '../http/http-helpers.js';
import { formatDateTime } from '../org/field-values.js';

/** Job types, as the lists and their filter spell them. */
export const ListedJobType = {
  BigObjectIngest: 'BigObjectIngest',
  Classic: 'Classic',
  V2Ingest: 'V2Ingest',
  V2Query: 'V2Query',
} as const;
export type ListedJobType = (typeof ListedJobType)[keyof typeof ListedJobType];

/** One job of a list: its listed info and what the filters look at. */
export interface ListedJob {
  id: string;
  jobType: ListedJobType;
  concurrencyMode: string;
  pkChunking: boolean;
  info: Record<string, unknown>;
}

const PAGE_SIZE = 1000;
const FILTERS = ['jobType', 'isPkChunkingEnabled', 'concurrencyMode'] as const;

/** A v1 job as the Bulk 2.0 lists show it. */
export function listedV1Job(job: V1Job): ListedJob {
  const info: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: formatDateTime(job.createdDate),
    systemModstamp: formatDateTime(job.systemModstamp),
    state: job.state,
    ...(job.externalIdFieldName === undefined ? {} : { externalIdFieldName: job.externalIdFieldName }),
    concurrencyMode: job.concurrencyMode,
    contentType: job.contentType,
    apiVersion: Number(job.apiVersion),
    jobType: ListedJobType.Classic,
  };
  const pkChunking = job.pkChunking !== undefined;
  return { id: job.id, jobType: ListedJobType.Classic, concurrencyMode: job.concurrencyMode, pkChunking, info };
}

function invalidParameter(name: string, value: string) {
  return restError(400, 'API_ERROR', `Invalid value: '${value}' supplied for parameter: '${name}'`);
}

/** The filter of a list request, refusing values outside the documented ones. */
function filterOf(url: URL): (job: ListedJob) => boolean {
  const jobType = url.searchParams.get('jobType');
  if (jobType !== null && !(Object.values(ListedJobType) as string[]).includes(jobType)) {
    throw invalidParameter('jobType', jobType);
  }
  const pk = url.searchParams.get('isPkChunkingEnabled')?.toLowerCase();
  if (pk !== undefined && pk !== 'true' && pk !== 'false') {
    throw invalidParameter('isPkChunkingEnabled', url.searchParams.get('isPkChunkingEnabled') ?? '');
  }
  const mode = url.searchParams.get('concurrencyMode')?.toLowerCase();
  if (mode !== undefined && mode !== 'serial' && mode !== 'parallel') {
    throw invalidParameter('concurrencyMode', url.searchParams.get('concurrencyMode') ?? '');
  }
  return (job) =>
    (jobType === null || job.jobType === jobType) &&
    (pk === undefined || job.pkChunking === (pk === 'true')) &&
    (mode === undefined || job.concurrencyMode.toLowerCase() === mode);
}

/** One page of a job list, as `{ done, records, nextRecordsUrl }`. `basePath` is the list's own path. */
export function jobListPage(url: URL, basePath: string, jobs: readonly ListedJob[]): Record<string, unknown> {
  const keep = filterOf(url);
  // Bulk job ids of both APIs come from one sequence, so id order is creation order.
  const matching = jobs.filter(keep).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const offset = Math.max(0, Number.parseInt(url.searchParams.get('queryLocator') ?? '0', 10) || 0);
  const done = offset + PAGE_SIZE >= matching.length;
  const next = new URLSearchParams();
  for (const name of FILTERS) {
    const value = url.searchParams.get(name);
    if (value !== null) next.set(name, value);
  }
  next.set('queryLocator', String(offset + PAGE_SIZE));
  const records = matching.slice(offset, offset + PAGE_SIZE).map((job) => job.info);
  return { done, records, nextRecordsUrl: done ? null : `${basePath}?${next.toString()}` };
}
