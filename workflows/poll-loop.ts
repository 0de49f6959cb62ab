/**
 * The one poll loop of bulkflow's workflows: every child (Bulk 2.0 ingest, Bulk v1 ingest, query) waits for
 * its Salesforce job here, on durable timers, with one policy, one abort step and one continue-as-new rule.
 *
 * Each pass: one status call; done → return; an abort requested and not yet sent → send it once and look
 * again at once; history long → continue as new (carrying the poll state); else sleep until the policy's
 * next poll or until an abort arrives, whichever is first. This order is what the recorded histories in
 * `test/histories/` hold: changing it breaks replay of running workflows.
 */
import { ApplicationFailure, condition, log, workflowInfo } from '@temporalio/workflow';
import { FailureType } from '../common/errors.js';
import {
  DEFAULT_POLL_POLICY,
  initialPollState,
  nextPollDelay,
  PollPolicyError,
  slowedForApiUsage,
  withPollDefaults,
  type PollPolicy,
  type PollState,
} from '../common/poll-policy.js';

/** What a poll loop must know of a job's status. */
export interface PolledStatus {
  /** Salesforce's state, e.g. `InProgress`. */
  state: string;
  recordsProcessed: number;
  /** The job changes no more (complete, failed or aborted). */
  done: boolean;
  /** The org's daily API usage as Salesforce last reported it; polling slows down near the limit. */
  apiUsage?: { used: number; limit: number };
}

/** What a child carries across continue-as-new while polling. */
export interface PollResume {
  /** The policy's memory; absent in runs started before it existed (then a fresh state is used). */
  poll?: PollState;
  /** @deprecated The old backoff's next delay; read only so that older histories replay. */
  delayMs?: number;
}

/** One child's side of the loop. */
export interface PollLoopOptions<S extends PolledStatus> {
  /** One status call (an activity); the caller records the status it returns. */
  check(): Promise<S>;
  /** Whether an operator or a cancellation asked to abort. */
  abortRequested(): boolean;
  /** Aborts the Salesforce job: {@link abortStep} wrapped around the child's activity. */
  abort(): Promise<void>;
  policy: Required<PollPolicy>;
  /** Records the job has to process, when known (ingest), so the policy can predict the finish. */
  totalRecords?: number;
  /** From the input, after a continue-as-new. */
  resume?: PollResume;
  /** Continues as new with `resume` in the child's input. Never returns. */
  continueAsNew(resume: PollResume): Promise<never>;
  /** @default 2000 */
  historyEventLimit?: number;
}

/** Polls until the job is done; returns its last status. */
export async function pollUntilDone<S extends PolledStatus>(options: PollLoopOptions<S>): Promise<S> {
  let poll = options.resume?.poll ?? initialPollState(Date.now(), options.totalRecords);
  let abortSent = false;
  for (;;) {
    const status = await options.check();
    if (status.done) return status;
    if (options.abortRequested() && !abortSent) {
      abortSent = true;
      await options.abort();
      continue;
    }
    const next = nextPollDelay(poll, { atMs: Date.now(), recordsProcessed: status.recordsProcessed }, options.policy);
    poll = next.state;
    const delayMs = slowedForApiUsage(next.delayMs, status.apiUsage, options.policy);
    if (!options.abortRequested() && historyIsLong(options.historyEventLimit)) {
      await options.continueAsNew({ poll });
    }
    await condition(() => options.abortRequested() && !abortSent, delayMs);
  }
}

/** The continue-as-new rule of every bulkflow workflow: the server suggests it, or history reached the limit. */
export function historyIsLong(limit = 2000): boolean {
  const info = workflowInfo();
  return info.continueAsNewSuggested || info.historyLength >= limit;
}

/**
 * The one abort step: asks Salesforce to abort the job, and if that fails for good (the job ended meanwhile,
 * the retries ran out) logs it and goes on, so that the workflow still polls the job to its end and reports
 * what was processed instead of failing on its way out.
 */
export async function abortStep(jobId: string, send: () => Promise<void>): Promise<void> {
  try {
    await send();
  } catch (err) {
    log.warn('could not abort the Salesforce job', { jobId, error: String(err) });
  }
}

/** The input's poll policy, legacy `maxMs` included, or a non-retryable failure naming the bad option. */
export function resolvePollPolicy(policy: PollPolicy & { maxMs?: number; factor?: number } = {}): Required<PollPolicy> {
  const { maxMs, factor: _factor, ...rest } = policy;
  try {
    return withPollDefaults({
      ...rest,
      // A first wait below the default floor asks for that floor too (tests, and the old policy's inputs).
      floorMs: rest.floorMs ?? Math.min(DEFAULT_POLL_POLICY.floorMs, rest.initialMs ?? Infinity),
      ...(rest.ceilingMs === undefined && maxMs !== undefined ? { ceilingMs: maxMs } : {}),
    });
  } catch (err) {
    if (err instanceof PollPolicyError) {
      throw ApplicationFailure.create({ type: FailureType.InvalidInput, message: err.message, nonRetryable: true });
    }
    throw err;
  }
}
