/**
 * Adopting a Bulk 2.0 job that bulkflow did not create: what kind of job the id names (ingest or query), read
 * from Salesforce, so the adopting workflow knows which status, abort and result calls to make.
 */
import { BulkflowError, InputError, InputProblem } from '../common/errors.js';
import type { SalesforceClient } from '../salesforce/index.js';

/** What an adopted job is. */
export interface AdoptedJob {
  jobId: string;
  kind: 'ingest' | 'query';
  object: string;
  operation: string;
  state: string;
}

const notFound = (err: unknown) => err instanceof BulkflowError && err.statusCode === 404;

export function createAdoptActivities({ salesforce }: { salesforce: SalesforceClient }) {
  return {
    /** Reads the job as an ingest job, else as a query job; an id that is neither is refused, not retried. */
    async describeBulkJob({ jobId }: { jobId: string }): Promise<AdoptedJob> {
      try {
        const job = await salesforce.bulk2Ingest.getJob(jobId);
        return { jobId, kind: 'ingest', object: job.object, operation: job.operation, state: job.state };
      } catch (err) {
        if (!notFound(err)) throw err;
      }
      try {
        const job = await salesforce.bulk2Query.getJob(jobId);
        return { jobId, kind: 'query', object: job.object, operation: job.operation, state: job.state };
      } catch (err) {
        if (!notFound(err)) throw err;
      }
      throw new InputError(`No Bulk 2.0 ingest or query job ${jobId} in this org (Salesforce keeps jobs 7 days).`, {
        problem: InputProblem.NotFound,
      });
    },
  };
}
