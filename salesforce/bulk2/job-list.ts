/**
 * Listing Bulk 2.0 jobs (ingest and query alike): `GET …/jobs/ingest` or `…/jobs/query` with filters,
 * following `nextRecordsUrl`.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_asynch.meta/api_asynch/get_all_jobs.htm
 */
import type { SalesforceHttp } from '../core/http.js';
import type { JobListPage, ListJobsFilter } from './query-types.js';

/** The query string of a job list request. */
export function jobListQuery(filter: ListJobsFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) if (value !== undefined) params.set(key, String(value));
  return params.size > 0 ? `?${params.toString()}` : '';
}

/** `GET` one page of a Bulk 2.0 job list. */
export function listJobsPage<T>(http: SalesforceHttp, path: string): Promise<JobListPage<T>> {
  return http.json<JobListPage<T>>({ method: 'GET', path, api: 'rest' });
}

/** Every job of a Bulk 2.0 job list, following `nextRecordsUrl`. */
export async function* listAllJobs<T>(http: SalesforceHttp, firstPath: string): AsyncGenerator<T> {
  let path: string | null = firstPath;
  while (path) {
    const page: JobListPage<T> = await listJobsPage<T>(http, path);
    yield* page.records;
    path = page.done ? null : page.nextRecordsUrl;
  }
}
