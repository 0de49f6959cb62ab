/**
 * Bulk workflows by their search attributes, for operators' tools (`bulkflow list`) and dashboards.
 *
 * @example
 * const processing = await listBulkJobs(client, { state: 'Processing', object: 'Contact' });
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import { BulkflowState, SearchAttributes, WorkflowType } from '../workflows/contract.js';

/** Filters of {@link listBulkJobs}, all optional. */
export interface ListBulkJobsOptions {
  /** Only workflows in this bulkflow state (the `BulkflowState` search attribute). */
  state?: BulkflowState;
  /** Only workflows on this sObject, e.g. `Contact` (`BulkflowObject`; ingests only). */
  object?: string;
  /** At most this many, newest first. @default 50 */
  limit?: number;
}

/** One bulk workflow as its search attributes describe it: state, object, operation, Salesforce job ids. */
export interface BulkJobSummary {
  workflowId: string;
  runId: string;
  type: WorkflowType;
  /** Temporal's execution status, e.g. `RUNNING`, `COMPLETED`, `TERMINATED`. */
  status: string;
  /** bulkflow's own state; absent until the workflow's first task has run. */
  state?: BulkflowState;
  object?: string;
  operation?: string;
  salesforceJobIds: string[];
  startTime: Date;
  closeTime?: Date;
}

const STATES = new Set<string>(Object.values(BulkflowState));
/** Salesforce API names: letters, digits, underscores (custom objects end in `__c`). */
const API_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** The visibility query; values are checked, not escaped, so that nothing can be injected. */
export function bulkJobsQuery(options: Pick<ListBulkJobsOptions, 'state' | 'object'> = {}): string {
  const types = Object.values(WorkflowType)
    .map((t) => `'${t}'`)
    .join(', ');
  // Runs that continued as new are older runs of a workflow that is listed by its latest run.
  const clauses = [`WorkflowType IN (${types})`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (options.state !== undefined) {
    if (!STATES.has(options.state)) {
      throw new RangeError(`state must be one of ${[...STATES].join(', ')}, got "${options.state}"`);
    }
    clauses.push(`${SearchAttributes.state.name} = '${options.state}'`);
  }
  if (options.object !== undefined) {
    if (!API_NAME.test(options.object)) {
      throw new RangeError(`object must be a Salesforce API name like Contact or Invoice__c, got "${options.object}"`);
    }
    clauses.push(`${SearchAttributes.object.name} = '${options.object}'`);
  }
  return clauses.join(' AND ');
}

function summary(info: WorkflowExecutionInfo): BulkJobSummary {
  const attributes = info.typedSearchAttributes;
  const state = attributes.get(SearchAttributes.state);
  const object = attributes.get(SearchAttributes.object);
  const operation = attributes.get(SearchAttributes.operation);
  return {
    workflowId: info.workflowId,
    runId: info.runId,
    type: info.type as WorkflowType,
    status: info.status.name,
    ...(state !== undefined && STATES.has(state) ? { state: state as BulkflowState } : {}),
    ...(object !== undefined ? { object } : {}),
    ...(operation !== undefined ? { operation } : {}),
    salesforceJobIds: attributes.get(SearchAttributes.jobIds) ?? [],
    startTime: info.startTime,
    ...(info.closeTime ? { closeTime: info.closeTime } : {}),
  };
}

/**
 * Bulk ingest and query workflows (not their per-job children), newest start first. Visibility
 * stores order running workflows first and cannot sort by start time on every backend (SQL ones do
 * not), so every match is read and sorted here: narrow with `state` and `object` on busy namespaces.
 */
export async function listBulkJobs(client: Client, options: ListBulkJobsOptions = {}): Promise<BulkJobSummary[]> {
  const limit = options.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit must be a whole number ≥ 1, got ${limit}`);
  const found: BulkJobSummary[] = [];
  for await (const info of client.workflow.list({ query: bulkJobsQuery(options) })) found.push(summary(info));
  found.sort((a, b) => b.startTime.getTime() - a.startTime.getTime());
  return found.slice(0, limit);
}
