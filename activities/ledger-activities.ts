/**
 * Activities of the run ledger (`storage/run-ledger.ts`): a run claims its business id before it loads
 * anything, and records how it ended. Together they make a business id load its rows once across runs,
 * also after Temporal has forgotten the earlier ones.
 */
import { activityInfo, log } from '@temporalio/activity';
import { BulkflowError, ErrorCode } from '../common/errors.js';
import { RunLedger, type LedgerEntry } from '../storage/run-ledger.js';
import type { StagingStore } from '../storage/staging-store.js';
import type { ClaimRunRequest, ClaimRunResult, EarlierRun, RecordRunOutcomeRequest } from './types.js';

function earlierRun(entry: LedgerEntry): EarlierRun {
  return {
    attempt: entry.claim.attempt,
    runId: entry.claim.runId,
    stagingPrefix: entry.claim.stagingPrefix,
    ...(entry.outcome ? { state: entry.outcome.state, endedAt: entry.outcome.endedAt } : {}),
  };
}

export function createLedgerActivities({ staging }: { staging: StagingStore }) {
  return {
    /**
     * Claims the business id (the workflow id) for this run. An earlier run that completed wins: its result is
     * returned and nothing is claimed. Otherwise the run gets the next attempt number (a conditional write) and
     * the earlier attempts whose rows it must not load again. A run of another namespace that claimed the id and
     * recorded no end may still be loading, so the claim is refused rather than load beside it.
     */
    async claimRun(request: ClaimRunRequest): Promise<ClaimRunResult> {
      const info = activityInfo();
      const workflowId = info.workflowExecution?.workflowId ?? '';
      const namespace = info.workflowNamespace ?? '';
      const ledger = new RunLedger(staging, workflowId);
      if (!request.ignoreEarlierRuns) {
        const completed = (await ledger.entries()).filter((e) => e.outcome?.state === 'Completed').at(-1);
        if (completed?.outcome) {
          log.info('this business id was loaded before; returning that result', { runId: completed.claim.runId });
          return {
            completed: {
              runId: completed.claim.runId,
              attempt: completed.claim.attempt,
              endedAt: completed.outcome.endedAt,
              result: completed.outcome.result,
            },
            earlier: [],
          };
        }
      }
      const { claim, earlier } = await ledger.claim({
        workflowId,
        runId: request.runId,
        namespace,
        stagingPrefix: request.stagingPrefix,
        kind: request.kind,
        claimedAt: new Date().toISOString(),
      });
      const elsewhere = earlier.find((e) => e.claim.namespace !== namespace && !e.outcome);
      if (elsewhere && !request.ignoreEarlierRuns) {
        throw new BulkflowError(
          ErrorCode.BusinessIdInUse,
          `Business id ${workflowId} was claimed by run ${elsewhere.claim.runId} of namespace ` +
            `${elsewhere.claim.namespace} at ${elsewhere.claim.claimedAt}, which recorded no end: it may still be ` +
            'loading. Let it finish, or start with ignoreEarlierRuns to load every row again.',
        );
      }
      return { attempt: claim.attempt, earlier: request.ignoreEarlierRuns ? [] : earlier.map(earlierRun) };
    },

    /** Records how this run's attempt ended; a `Completed` outcome carries the result later runs return. */
    async recordRunOutcome({ attempt, outcome }: RecordRunOutcomeRequest): Promise<void> {
      const ledger = new RunLedger(staging, activityInfo().workflowExecution?.workflowId ?? '');
      await ledger.recordOutcome(attempt, { ...outcome, endedAt: new Date().toISOString() });
    },
  };
}
