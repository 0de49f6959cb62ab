/**
 * The result of a dry run: what a real run of the same input would do (rows, units, jobs, the org's allowances it
 * would use) and every problem it would refuse, first one first. Nothing was sent: every row is unprocessed.
 */
import type { ApplicationFailure } from '@temporalio/workflow';
import type { StagedInput } from '../activities/index.js';
import type { BulkApi } from '../common/wire-values.js';
import {
  BulkflowState,
  type BulkIngestInput,
  type BulkIngestResult,
  type DryRunProblem,
  type PhaseTimings,
} from './contract.js';

export interface DryRunEnd {
  input: BulkIngestInput;
  api: BulkApi;
  /** The staging activity's answer in dry-run mode: counts and units (not written), and the problems found. */
  checked: StagedInput;
  needs: { batchesNeeded: number; apiCallsNeeded: number };
  /** The failure the allowance check would end a real run with. */
  limitsProblem?: ApplicationFailure;
  timings: PhaseTimings;
}

/** The failure a real run would end with, as a problem of the report. */
function problemOf(failure: ApplicationFailure): DryRunProblem {
  const details = (failure.details?.[0] ?? {}) as { code?: string };
  return { type: failure.type ?? 'ApplicationFailure', code: details.code ?? '', message: failure.message };
}

export function dryRunResult(end: DryRunEnd): BulkIngestResult {
  const { checked, input } = end;
  const problems: DryRunProblem[] = (checked.problems ?? []).map(({ type, code, message, ...where }) => {
    const { file, row, column, field, fields } = where;
    return {
      type,
      code,
      message,
      ...(file === undefined ? {} : { file }),
      ...(row === undefined ? {} : { row }),
      ...(column === undefined ? {} : { column }),
      ...(field === undefined ? {} : { field }),
      ...(fields === undefined ? {} : { fields }),
    };
  });
  if (end.limitsProblem) problems.push(problemOf(end.limitsProblem));
  const units = checked.units.map(({ rows, bytes }) => ({ rows, bytes }));
  const jobs = end.api === '1.0' ? Math.min(1, units.length) : units.length;
  return {
    state: problems.length ? BulkflowState.Failed : BulkflowState.Completed,
    object: input.object,
    operation: input.operation,
    jobs: [],
    records: { total: checked.totalRows, successful: 0, failed: 0, unprocessed: checked.totalRows },
    results: { successful: [], failed: [], unprocessed: [] },
    timings: end.timings,
    ...(problems[0] ? { failureMessage: problems[0].message } : {}),
    dryRun: { rows: checked.totalRows, readWhole: checked.readWhole !== false, jobs, units, ...end.needs, problems },
  };
}
