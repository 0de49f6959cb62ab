/**
 * A run's side of the run ledger (`storage/run-ledger.ts`): it claims its business id (the workflow id) before
 * it loads or queries anything, learning of an earlier run that completed (whose result it then returns) or of
 * earlier runs whose loaded rows it must not load again, and at its end records how it ended, for later runs.
 * The same for ingest and query workflows.
 */
import { log, workflowInfo } from '@temporalio/workflow';
import type { ClaimRunResult, RecordRunOutcomeRequest } from '../activities/index.js';
import type { ActivityProxies } from './activity-proxies.js';
import type { CompletedBefore } from './contract.js';
import type { RunControl } from './run-control.js';

/** An earlier run that completed the business id: what the claim found. */
export type CompletedRun = NonNullable<ClaimRunResult['completed']>;

export class BusinessId {
  constructor(
    private readonly act: ActivityProxies,
    private readonly control: RunControl,
    private readonly claimOf: { kind: 'ingest' | 'query'; stagingPrefix: string; ignoreEarlierRuns?: boolean },
    /** This run's attempt, once claimed (carried across continue-as-new). */
    public attempt?: number,
  ) {}

  /** Claims the id for this run (a step an abort cancels). */
  async claim(): Promise<ClaimRunResult> {
    const claim = await this.control.step(() =>
      this.act.calls.claimRun({
        kind: this.claimOf.kind,
        runId: workflowInfo().firstExecutionRunId,
        stagingPrefix: this.claimOf.stagingPrefix,
        ...(this.claimOf.ignoreEarlierRuns ? { ignoreEarlierRuns: true } : {}),
      }),
    );
    this.attempt = claim.attempt;
    return claim;
  }

  /** Tells the ledger how this run ended; a failure to do so is logged, never the workflow's failure. */
  async recordOutcome(outcome: RecordRunOutcomeRequest['outcome']): Promise<void> {
    const attempt = this.attempt;
    if (attempt === undefined) return;
    try {
      await this.act.ledger.recordRunOutcome({ attempt, outcome });
    } catch (err) {
      log.warn('could not record how this run ended in the run ledger', { attempt, error: String(err) });
    }
  }
}

/** The earlier run's result, marked as such: this run loaded (or queried) nothing. */
export function resultOfEarlierRun<R>(completed: CompletedRun): R & { completedBefore: CompletedBefore } {
  return { ...(completed.result as R), completedBefore: { runId: completed.runId, completedAt: completed.endedAt } };
}
