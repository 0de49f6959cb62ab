/**
 * The soak driver, shared by `npm run bench:soak` (`bench/soak/soak.ts`) and the short CI version
 * (`test/e2e/soak-short.server.test.ts`); it lives in test/helpers/ so that test/ imports nothing from bench/.
 *
 * `jobs` ingest workflows run at once on a pool of `bulkflow worker` processes sharing S3 staging, against the
 * emulator with faults (5xx, 429 with Retry-After, expiring sessions, optionally UNABLE_TO_LOCK_ROW) at a realistic
 * processing rate. Each finished workflow is checked and replaced by a new one until `durationMs` has passed (or,
 * with a fixed `plan`, until the plan is done). Meanwhile a random worker is SIGKILLed and restarted every
 * `killIntervalMs`, and the Temporal server is killed and restarted once. At the end the org is checked row by row
 * against the ledger, and the figures are collected: throughput, API calls, history events, worker peak RSS, and
 * for each kill the time until work moved on again.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import Papa from 'papaparse';
import type { FaultReport, FaultSpec } from '../../../emulator/index.js';
import { startBulkIngest, startBulkQuery } from '../../../client/starters.js';
import { eventually } from '../eventually.js';
import {
  progressQuery,
  type ActivityTimeouts,
  type BulkIngestInput,
  type BulkIngestResult,
  type BulkProgress,
  type BulkQueryResult,
  type PollPolicy,
  type TransientRetryPolicy,
} from '../../../workflows/contract.js';
import { INPUT_BUCKET, memoryOf, startCluster, type Cluster, type WorkerSlot } from './cluster.js';
import {
  externalIdField,
  Ledger,
  prng,
  type Block,
  type IngestOp,
  type Problem,
  type SoakObjectName,
  type VerifyReport,
} from './ledger.js';

const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

/** One ingest workflow of a fixed plan. */
export interface PlannedOp {
  op: IngestOp;
  api: '2.0' | '1.0';
  /** @default Soak_Item__c */
  object?: SoakObjectName;
}

export interface SoakOptions {
  /** New workflows start until this much time has passed; the ones running then finish. Ignored with `plan`. */
  durationMs: number;
  /** Ingest workflows running at once. */
  jobs: number;
  /** Rows per ingest workflow. */
  rows: number;
  /** SIGKILL a random worker this often (0: no periodic kills; with `maxKills`, kill as soon as work is in progress). */
  killIntervalMs: number;
  /** Stop after this many worker kills. @default unlimited */
  maxKills?: number;
  /** `bulkflow worker` processes. @default 3 */
  workers?: number;
  /** Kill and restart the Temporal server once, halfway through. @default false */
  serverRestart?: boolean;
  /** Bulk queries (alternately 2.0 and v1) over blocks no workflow is changing, spread over the run. @default 0 */
  queries?: number;
  /** Emulator processing speed, per job. */
  recordsPerSecond: number;
  /** Fraction of API requests answered 503. @default 0.05 */
  serverErrorRate?: number;
  /** Fraction of API requests answered 429 REQUEST_LIMIT_EXCEEDED with Retry-After. @default 0.01 */
  rateLimitRate?: number;
  /** @default 2 */
  retryAfterSeconds?: number;
  /** End every session this often (0: never). @default 180000 */
  sessionExpiryMs?: number;
  /**
   * Fraction of rows failed with UNABLE_TO_LOCK_ROW. Only with `transientRetry`: without it those rows would
   * (rightly) end failed, and the check wants every row through. @default 0
   */
  lockRate?: number;
  /** Pass `transientRetry` to every ingest workflow and check that lock failures were retried until they succeeded. */
  transientRetry?: TransientRetryPolicy;
  /** Fraction of new blocks on Contact (the rest on the custom object Soak_Item__c). @default 0.25 */
  contactShare?: number;
  /** A fixed list of ingest workflows instead of the rolling mix. */
  plan?: PlannedOp[];
  /** Seed of the plan, the victims and the faults. @default 1 */
  seed?: number;
  activityTimeouts?: ActivityTimeouts;
  pollPolicy?: PollPolicy;
  /** Longest a single workflow may take before the soak gives up on it. @default 30 min */
  workflowTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface WorkflowRecord {
  workflowId: string;
  kind: 'ingest' | 'query';
  op: IngestOp | 'query';
  api: '2.0' | '1.0';
  object: SoakObjectName;
  block: number;
  rows: number;
  startedAt: number;
  endedAt?: number;
  state?: string;
  records?: BulkIngestResult['records'];
  /** Rows whose success came from a follow-up job of the transient retry (`attempt` > 1). */
  retriedRows?: number;
  /** Highest `attempt` on any result file. */
  maxAttempt?: number;
  /** Why this workflow counts as not completed. */
  failure?: string;
}

export interface KillEvent {
  kind: 'worker' | 'server';
  at: number;
  slot?: number;
  pid?: number;
  /** Why this victim: it had activities running, it ran an in-progress workflow's last task, or chance. */
  reason?: string;
  /** Activities the victim was running when it died. */
  orphans: number;
  /** Kill → the next progress advance (a job's counters or state, or a workflow finishing) on any workflow. */
  progressRecoveredMs?: number;
  /** Kill → every orphaned activity completed or started again on another worker. */
  orphansRecoveredMs?: number;
  /** Kill → the replacement worker (or the server) was up again. */
  restartMs: number;
}

export interface SoakReport {
  options: Required<Pick<SoakOptions, 'jobs' | 'rows' | 'durationMs' | 'killIntervalMs' | 'recordsPerSecond'>> & {
    workers: number;
    seed: number;
    /** The fixed plan's length, when there was one. */
    plan?: number;
    lockRate: number;
    transientRetry: boolean;
  };
  elapsedMs: number;
  seedMs: number;
  seededRows: number;
  workflows: WorkflowRecord[];
  /** Ingested rows per second, from the first start to the last finish. */
  throughput: number;
  ingestedRows: number;
  apiCalls: number;
  apiCallsByRoute: Record<string, number>;
  faults: FaultReport[];
  sessionExpiries: number;
  historyEvents: number;
  executions: number;
  largestHistory: number;
  workerPeakRss: number[];
  /** This process's peak RSS: the emulator (every record of the org) and the driver. */
  driverPeakRss: number;
  workerStarts: number;
  kills: KillEvent[];
  unexpectedWorkerExits: Array<{ slot: number; code: number | null; signal: string | null; tail: string }>;
  verify: VerifyReport;
  /** Everything that went wrong: failed workflows, query mismatches, the org check, unexpected exits. */
  problems: string[];
}

interface Running {
  record: WorkflowRecord;
  signature?: string;
  progress?: BulkProgress;
  querying?: boolean;
}

const DEFAULT_FAULT_SEED = 7;
/** The first wave's mix, repeated: every operation and both APIs from the start. */
const FIRST_WAVE: PlannedOp[] = [
  { op: 'insert', api: '2.0' },
  { op: 'update', api: '1.0' },
  { op: 'upsert', api: '2.0' },
  { op: 'delete', api: '2.0' },
  { op: 'insert', api: '1.0' },
  { op: 'update', api: '2.0' },
  { op: 'upsert', api: '1.0' },
  { op: 'delete', api: '1.0' },
];
const MIX: Array<[IngestOp, number]> = [
  ['insert', 0.3],
  ['update', 0.25],
  ['upsert', 0.25],
  ['delete', 0.2],
];

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const seed = options.seed ?? 1;
  const random = prng(seed);
  const workers = options.workers ?? 3;
  const run = `s${randomBytes(3).toString('hex')}`;
  const taskQueue = `soak-${run}`;
  const lockRate = options.transientRetry ? (options.lockRate ?? 0) : 0;
  const t = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const since = (t0: number) => t(Date.now() - t0);

  log(`soak ${run}: ${workers} workers, ${options.jobs} workflows at once × ${options.rows} rows, starting`);
  const cluster = await startCluster({
    workers,
    taskQueue,
    log,
    emulator: {
      recordsPerSecond: options.recordsPerSecond,
      limits: { DailyApiRequests: 1_000_000_000, DailyBulkApiBatches: 100_000_000, DailyBulkV2QueryJobs: 1_000_000 },
    },
  });
  const { emulator } = cluster;
  const ledger = new Ledger(run);
  const workflows: WorkflowRecord[] = [];
  const running = new Map<string, Running>();
  const problems: string[] = [];
  const kills: KillEvent[] = [];
  const advances: number[] = [];
  let seededRows = 0;
  let sessionExpiries = 0;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];
  const t0 = Date.now();

  try {
    // ---- the plan ----------------------------------------------------------------------------------------------
    const plan = options.plan ? [...options.plan] : undefined;
    let planned = 0;
    const endAt = () => t0 + options.durationMs;
    const nextOp = (): PlannedOp | undefined => {
      if (plan) return plan.shift();
      if (Date.now() >= endAt() && planned >= options.jobs) return undefined;
      const first = FIRST_WAVE[planned % FIRST_WAVE.length];
      planned += 1;
      if (planned <= options.jobs && first) return first;
      let r = random();
      const op = MIX.find(([, weight]) => (r -= weight) < 0)?.[0] ?? 'insert';
      return { op, api: random() < 0.5 ? '2.0' : '1.0' };
    };
    const newObject = (op: PlannedOp): SoakObjectName =>
      op.object ?? (random() < (options.contactShare ?? 0.25) ? 'Contact' : 'Soak_Item__c');

    /** Picks (or seeds) the block the operation runs on, and marks it busy. */
    const blockFor = async (op: PlannedOp): Promise<Block> => {
      let block: Block | undefined;
      if (op.op === 'insert') {
        block = ledger.newBlock(newObject(op), options.rows);
      } else {
        block = ledger.free(op.op, random);
        if (block && op.object && block.object !== op.object) block = undefined;
        if (!block) {
          // Nothing to work on yet: seed a block straight into the org (half of one, for a mixed upsert).
          block = ledger.newBlock(newObject(op), options.rows);
          const half = op.op === 'upsert';
          const started = Date.now();
          await ledger.seed(emulator.org, block, half);
          seededRows += half ? Math.floor(block.size / 2) : block.size;
          log(
            `seeded block ${block.id} (${block.object}, ${half ? 'half' : 'all'} of ${block.size}) in ${since(started)}`,
          );
        }
      }
      block.busy = true;
      return block;
    };

    // ---- first wave: blocks seeded before any fault or kill ------------------------------------------------------
    const seedStart = Date.now();
    const firstWave: Array<{ op: PlannedOp; block: Block }> = [];
    for (let i = 0; i < options.jobs; i++) {
      const op = nextOp();
      if (!op) break;
      firstWave.push({ op, block: await blockFor(op) });
    }
    const seedMs = Date.now() - seedStart;

    const faults: FaultSpec[] = [
      { type: 'serverError', status: 503, rate: options.serverErrorRate ?? 0.05, seed: DEFAULT_FAULT_SEED },
      {
        type: 'rateLimit',
        status: 429,
        retryAfterSeconds: options.retryAfterSeconds ?? 2,
        rate: options.rateLimitRate ?? 0.01,
        seed: DEFAULT_FAULT_SEED + 1,
      },
    ];
    if (lockRate > 0) faults.push({ type: 'unableToLockRow', rate: lockRate, seed: DEFAULT_FAULT_SEED + 2 });
    emulator.faults.set(faults.filter((f) => !('rate' in f) || (f.rate ?? 0) > 0));
    const sessionExpiryMs = options.sessionExpiryMs ?? 180_000;
    if (sessionExpiryMs > 0) {
      timers.push(
        setInterval(() => {
          emulator.expireSessions();
          sessionExpiries += 1;
        }, sessionExpiryMs),
      );
    }

    // ---- monitor: progress of every running workflow, and the workers' memory -----------------------------------
    const advance = (at = Date.now()) => advances.push(at);
    const monitorTick = () => {
      cluster.sampleMemory();
      for (const [workflowId, entry] of running) {
        if (entry.querying) continue;
        entry.querying = true;
        const ask = cluster.client().workflow.getHandle(workflowId).query(progressQuery);
        const timeout = sleep(15_000).then(() => undefined);
        Promise.race([ask, timeout])
          .then((progress) => {
            if (!progress) return;
            entry.progress = progress;
            const signature = `${progress.state}|${progress.records.processed}|${progress.jobs
              .map((j) => `${j.state}:${j.recordsProcessed}`)
              .join(',')}`;
            if (entry.signature !== undefined && signature !== entry.signature) advance();
            entry.signature = signature;
          })
          .catch(() => undefined) // not started yet, server down, worker gone: next tick
          .finally(() => (entry.querying = false));
        ask.catch(() => undefined);
      }
    };
    timers.push(setInterval(monitorTick, 1_000));
    timers.push(
      setInterval(() => {
        const done = workflows.filter((w) => w.endedAt !== undefined);
        const rows = done.filter((w) => w.kind === 'ingest' && !w.failure).reduce((sum, w) => sum + w.rows, 0);
        const rss = cluster.workers.map((w) => (w.pid ? `${Math.round((memoryOf(w.pid)?.rss ?? 0) / 2 ** 20)}` : '–'));
        log(
          `[${since(t0)}] ${running.size} running, ${done.length} done (${done.filter((w) => w.failure).length} failed), ` +
            `${rows} rows in; RSS MB: this process ${Math.round(process.memoryUsage().rss / 2 ** 20)}, workers ${rss.join('/')}`,
        );
      }, 60_000),
    );

    // ---- ingest slots ------------------------------------------------------------------------------------------
    let seq = 0;
    const baseInput = {
      pollPolicy: options.pollPolicy ?? { ceilingMs: 15_000 },
      activityTimeouts: options.activityTimeouts ?? { callMs: 15_000, heartbeatMs: 8_000 },
    };
    const workflowTimeoutMs = options.workflowTimeoutMs ?? 30 * 60_000;

    const runIngest = async (op: PlannedOp, block: Block): Promise<void> => {
      seq += 1;
      const workflowId = `soak-${run}-${String(seq).padStart(3, '0')}-${op.op}-v${op.api}-b${block.id}`;
      const record: WorkflowRecord = {
        workflowId,
        kind: 'ingest',
        op: op.op,
        api: op.api,
        object: block.object,
        block: block.id,
        rows: block.size,
        startedAt: Date.now(),
      };
      workflows.push(record);
      try {
        const key = `${workflowId}.csv`;
        await cluster.s3.put(INPUT_BUCKET, key, ledger.csv(op.op, block, emulator.org));
        const input: BulkIngestInput = {
          object: block.object,
          operation: op.op,
          source: { url: `s3://${INPUT_BUCKET}/${key}` },
          api: op.api,
          ...(op.op === 'upsert' ? { externalIdFieldName: externalIdField(block.object) } : {}),
          ...baseInput,
          ...(options.transientRetry ? { transientRetry: options.transientRetry } : {}),
        };
        await retrying(() => startBulkIngest(cluster.client(), input, { taskQueue, workflowId }), 120_000);
        record.startedAt = Date.now();
        running.set(workflowId, { record });
        const outcome = await resultOf<BulkIngestResult>(() => cluster.client(), workflowId, workflowTimeoutMs);
        running.delete(workflowId);
        record.endedAt = Date.now();
        advance(record.endedAt);
        if (!outcome.ok) {
          record.failure = errorText(outcome.error);
          return;
        }
        const result = outcome.value;
        record.state = result.state;
        record.records = result.records;
        const refs = [...result.results.successful, ...result.results.failed, ...result.results.unprocessed];
        record.maxAttempt = Math.max(1, ...refs.map((r) => r.attempt ?? 1));
        record.retriedRows = result.results.successful
          .filter((r) => (r.attempt ?? 1) > 1)
          .reduce((n, r) => n + r.rows, 0);
        const want = { total: block.size, successful: block.size, failed: 0, unprocessed: 0 };
        if (result.state !== 'Completed' || JSON.stringify(result.records) !== JSON.stringify(want)) {
          record.failure = `ended ${result.state} with ${JSON.stringify(result.records)}, expected ${JSON.stringify(want)}`;
          if (result.failureMessage) record.failure += `: ${result.failureMessage}`;
          if (result.records.failed > 0) record.failure += `; ${await failureCodes(cluster, result)}`;
        }
      } catch (err) {
        running.delete(workflowId);
        record.endedAt ??= Date.now();
        record.failure = errorText(err);
      } finally {
        if (record.failure) {
          ledger.lost(block, record.failure);
          log(`✗ ${workflowId}: ${record.failure}`);
        } else {
          ledger.applied(op.op, block);
          log(
            `✓ ${workflowId} (${block.object}) in ${t((record.endedAt ?? 0) - record.startedAt)}` +
              (record.retriedRows ? `, ${record.retriedRows} rows retried (attempts up to ${record.maxAttempt})` : ''),
          );
        }
        block.busy = false;
      }
    };

    const slot = async (first: { op: PlannedOp; block: Block }): Promise<void> => {
      let current: { op: PlannedOp; block: Block } | undefined = first;
      while (current) {
        await runIngest(current.op, current.block);
        const op = nextOp();
        current = op ? { op, block: await blockFor(op) } : undefined;
      }
    };

    // ---- queries over blocks no workflow is changing -----------------------------------------------------------
    const runQuery = async (k: number): Promise<void> => {
      const api = k % 2 === 0 ? '2.0' : '1.0';
      if (!plan) await sleepUntil(t0 + ((k + 1) / ((options.queries ?? 0) + 1)) * options.durationMs, () => stopping);
      let block: Block | undefined;
      try {
        block = await eventually(() => ledger.free('query', random), {
          timeoutMs: workflowTimeoutMs,
          intervalMs: 500,
          what: `a live block no workflow is using, for query ${k + 1}`,
        });
      } catch (err) {
        problems.push(`query ${k + 1}: ${errorText(err)}`);
        return;
      }
      block.busy = true;
      seq += 1;
      const workflowId = `soak-${run}-${String(seq).padStart(3, '0')}-query-v${api}-b${block.id}`;
      const record: WorkflowRecord = {
        workflowId,
        kind: 'query',
        op: 'query',
        api,
        object: block.object,
        block: block.id,
        rows: block.size,
        startedAt: Date.now(),
      };
      workflows.push(record);
      try {
        const { soql } = ledger.querySoql(block);
        await retrying(
          () => startBulkQuery(cluster.client(), { soql, api, ...baseInput }, { taskQueue, workflowId }),
          120_000,
        );
        running.set(workflowId, { record });
        const outcome = await resultOf<BulkQueryResult>(() => cluster.client(), workflowId, workflowTimeoutMs);
        running.delete(workflowId);
        record.endedAt = Date.now();
        advance(record.endedAt);
        if (!outcome.ok) {
          record.failure = errorText(outcome.error);
          return;
        }
        record.state = outcome.value.state;
        const url = outcome.value.results.records?.url;
        if (outcome.value.state !== 'Completed' || !url) {
          record.failure = `ended ${outcome.value.state}${outcome.value.failureMessage ? `: ${outcome.value.failureMessage}` : ''}`;
          return;
        }
        const rows = await readS3Csv(cluster, url);
        const mismatches = ledger.verifyQueryRows(block, rows);
        if (mismatches.length > 0) record.failure = mismatches.map((p) => p.message).join('; ');
      } catch (err) {
        running.delete(workflowId);
        record.failure = errorText(err);
      } finally {
        block.busy = false;
        log(record.failure ? `✗ ${workflowId}: ${record.failure}` : `✓ ${workflowId}: ${record.rows} rows read back`);
      }
    };

    // ---- chaos: a worker every killIntervalMs, the server once -------------------------------------------------
    const inProgress = () =>
      [...running.values()].filter(
        (r) =>
          r.record.kind === 'ingest' &&
          r.progress?.state === 'Processing' &&
          r.progress.records.processed > 0 &&
          r.progress.records.processed < r.record.rows,
      );

    const killWorker = async (): Promise<void> => {
      const choice = await chooseVictim(cluster, random, inProgress());
      const victim = choice.slot;
      if (!victim.process) return;
      const event: KillEvent = {
        kind: 'worker',
        at: Date.now(),
        slot: victim.index,
        ...(victim.pid !== undefined ? { pid: victim.pid } : {}),
        reason: choice.reason,
        orphans: choice.orphans.length,
        restartMs: 0,
      };
      kills.push(event);
      const identity = victim.identity ?? '';
      await cluster.killWorker(victim);
      event.at = Date.now();
      const restarted = cluster.ensureWorker(victim).then((ok) => {
        event.restartMs = Date.now() - event.at;
        if (!ok) problems.push(`worker ${victim.index} could not be restarted after kill ${kills.length}`);
      });
      // An activity may have completed between the look and the kill: orphans are the ones still pending on it.
      const orphans = await stillPendingOn(cluster, choice.orphans, identity);
      event.orphans = orphans.length;
      log(
        `☠ worker ${victim.index} (pid ${event.pid}) killed: ${choice.reason}; ${orphans.length} activities orphaned`,
      );
      if (orphans.length > 0) {
        const resumed = await orphansResumed(cluster, orphans, identity, 10 * 60_000);
        if (resumed !== undefined) event.orphansRecoveredMs = resumed - event.at;
        else problems.push(`kill ${kills.length}: orphaned activities not resumed within 10 min`);
      }
      await restarted;
    };

    const restartServer = async (): Promise<void> => {
      const event: KillEvent = { kind: 'server', at: Date.now(), orphans: 0, restartMs: 0 };
      kills.push(event);
      log(`☠ Temporal server killed`);
      const { downMs } = await cluster.restartServer();
      event.restartMs = downMs;
      log(`Temporal server back after ${t(downMs)}`);
    };

    const chaos = async (): Promise<void> => {
      const maxKills = options.maxKills ?? Number.POSITIVE_INFINITY;
      let workerKills = 0;
      let serverDone = !options.serverRestart;
      const serverAt = t0 + options.durationMs / 2;
      let nextKill = t0 + options.killIntervalMs;
      while (!stopping && (workerKills < maxKills || !serverDone)) {
        const wantServer = !serverDone && (Date.now() >= serverAt || workerKills >= maxKills);
        if (!wantServer && options.killIntervalMs > 0) {
          await sleepUntil(Math.min(nextKill, serverDone ? nextKill : serverAt), () => stopping);
          if (stopping) return;
          if (!serverDone && Date.now() >= serverAt) continue;
        }
        // Kill while a job is in progress, not at a wall-clock guess that may fall between jobs.
        const ready = await eventually(() => stopping || inProgress().length > 0, {
          timeoutMs: 10 * 60_000,
          intervalMs: 200,
          what: 'a job in progress to kill a worker under',
        }).catch(() => false);
        if (stopping || !ready) return;
        if (wantServer) {
          await restartServer();
          serverDone = true;
        } else {
          await killWorker();
          workerKills += 1;
          if (options.killIntervalMs > 0) {
            // The next kill a full interval on; intervals the kill itself overran are skipped, not caught up.
            do nextKill += options.killIntervalMs;
            while (nextKill < Date.now());
          }
        }
      }
    };

    const wave = firstWave.map((w) => slot(w));
    const queries = Array.from({ length: options.queries ?? 0 }, (_, k) => runQuery(k));
    const chaosDone = chaos().catch((err: unknown) => problems.push(`chaos: ${errorText(err)}`));
    await Promise.all(wave);
    await Promise.all(queries);
    stopping = true;
    await chaosDone;
    for (const timer of timers) clearInterval(timer);
    timers.length = 0;
    const elapsedMs = Date.now() - t0;
    log(`all workflows done after ${t(elapsedMs)}; checking the org row by row`);

    // ---- the end: the org row by row, and the figures ----------------------------------------------------------
    const verify = ledger.verify(emulator.org);
    for (const wf of workflows) if (wf.failure) problems.push(`${wf.workflowId}: ${wf.failure}`);
    for (const p of verify.problems) problems.push(`org: ${p.message}`);
    if (verify.moreProblems > 0) problems.push(`org: ${verify.moreProblems} more problems`);
    for (const block of ledger.blocks) if (block.busy) problems.push(`block ${block.id} is still in use`);
    if (options.transientRetry && lockRate > 0) {
      const fired = emulator.faults.report().find((f) => f.type === 'unableToLockRow')?.fired ?? 0;
      const retried = workflows.reduce((n, w) => n + (w.retriedRows ?? 0), 0);
      if (fired > 0 && retried === 0) problems.push(`${fired} rows failed UNABLE_TO_LOCK_ROW, none was retried`);
    }
    for (const event of kills) {
      const next = advances.filter((a) => a >= event.at).sort((a, b) => a - b)[0];
      if (next !== undefined) event.progressRecoveredMs = next - event.at;
    }
    const unexpectedWorkerExits = cluster.workers.flatMap((w) =>
      w.unexpectedExits.map((e) => ({ slot: w.index, code: e.code, signal: e.signal, tail: e.tail })),
    );
    for (const exit of unexpectedWorkerExits) {
      problems.push(`worker ${exit.slot} exited on its own (code ${exit.code}, signal ${exit.signal})`);
    }
    const ingests = workflows.filter((w) => w.kind === 'ingest');
    const ingestedRows = ingests.filter((w) => !w.failure).reduce((n, w) => n + w.rows, 0);
    const firstStart = Math.min(...ingests.map((w) => w.startedAt));
    const lastEnd = Math.max(...ingests.map((w) => w.endedAt ?? Date.now()));
    const history = await historyTotals(cluster);
    const stats = await fetch(`${emulator.url}/__emulator/stats`).then(
      (r) => r.json() as Promise<{ requests: Record<string, number> }>,
    );
    cluster.sampleMemory();
    return {
      options: {
        jobs: options.jobs,
        rows: options.rows,
        durationMs: options.durationMs,
        killIntervalMs: options.killIntervalMs,
        recordsPerSecond: options.recordsPerSecond,
        workers,
        seed,
        ...(options.plan ? { plan: options.plan.length } : {}),
        lockRate,
        transientRetry: Boolean(options.transientRetry),
      },
      elapsedMs,
      seedMs,
      seededRows,
      workflows,
      throughput: ingestedRows / Math.max(0.001, (lastEnd - firstStart) / 1000),
      ingestedRows,
      apiCalls: Object.values(stats.requests).reduce((n, c) => n + c, 0),
      apiCallsByRoute: stats.requests,
      faults: emulator.faults.report(),
      sessionExpiries,
      ...history,
      workerPeakRss: cluster.workers.map((w) => w.peakRss),
      driverPeakRss: process.resourceUsage().maxRSS * 1024,
      workerStarts: cluster.workers.reduce((n, w) => n + w.starts, 0),
      kills,
      unexpectedWorkerExits,
      verify,
      problems,
    };
  } finally {
    stopping = true;
    for (const timer of timers) clearInterval(timer);
    await cluster.close();
  }
}

/** Retries a call through connection trouble (a server restart) until it succeeds or `timeoutMs` passes. */
async function retrying<T>(call: () => Promise<T>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await sleep(1_000); // a back-off between tries, not a wait for a condition
    }
  }
}

/** A workflow's result, asked again through connection trouble; a failed workflow is an outcome, not retried. */
async function resultOf<T>(
  client: () => Client,
  workflowId: string,
  timeoutMs: number,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return { ok: true, value: (await client().workflow.getHandle(workflowId).result()) as T };
    } catch (err) {
      if (err instanceof WorkflowFailedError || Date.now() > deadline) return { ok: false, error: err };
      await sleep(1_000);
    }
  }
}

/** Sleeps until `at` or until `stop()` holds, checking every 250 ms. */
async function sleepUntil(at: number, stop: () => boolean): Promise<void> {
  while (!stop() && Date.now() < at) await sleep(Math.min(250, at - Date.now()));
}

async function readS3Csv(cluster: Cluster, url: string): Promise<Record<string, string>[]> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new Error(`not an s3:// URL: ${url}`);
  const parsed = Papa.parse<Record<string, string>>(await cluster.s3.getText(match[1]!, match[2]!), {
    header: true,
    skipEmptyLines: true,
  });
  if (parsed.errors.length > 0) throw new Error(`bad CSV in ${url}: ${parsed.errors[0]?.message}`);
  return parsed.data;
}

/** The error codes in a result's failed files, counted: "failures: UNABLE_TO_LOCK_ROW × 12". */
async function failureCodes(cluster: Cluster, result: BulkIngestResult): Promise<string> {
  const counts = new Map<string, number>();
  try {
    for (const ref of result.results.failed) {
      for (const row of await readS3Csv(cluster, ref.url)) {
        const code = (row.sf__Error ?? '').split(':')[0] ?? '';
        counts.set(code, (counts.get(code) ?? 0) + 1);
      }
    }
  } catch (err) {
    return `failed files unreadable: ${errorText(err)}`;
  }
  return `failures: ${[...counts].map(([code, n]) => `${code} × ${n}`).join(', ')}`;
}

interface Orphan {
  workflowId: string;
  runId: string;
  activityId: string;
  type: string;
  attempt: number;
}

interface RunningExecution {
  workflowId: string;
  runId: string;
}

async function runningExecutions(cluster: Cluster): Promise<RunningExecution[]> {
  const out: RunningExecution[] = [];
  const query = `TaskQueue = '${cluster.taskQueue}' AND ExecutionStatus = 'Running'`;
  for await (const wf of cluster.client().workflow.list({ query }))
    out.push({ workflowId: wf.workflowId, runId: wf.runId });
  return out;
}

/** Activities started on each worker identity right now, from every running execution's pending activities. */
async function startedActivities(cluster: Cluster): Promise<Map<string, Orphan[]>> {
  const byIdentity = new Map<string, Orphan[]>();
  const executions = await runningExecutions(cluster);
  // All at once: the sooner the look is over, the likelier its activities are still running at the kill.
  const descriptions = await Promise.all(
    executions.map((exec) =>
      cluster
        .client()
        .workflow.getHandle(exec.workflowId, exec.runId)
        .describe()
        .then((described) => ({ exec, described }))
        .catch(() => ({ exec, described: undefined })),
    ),
  );
  for (const { exec, described } of descriptions) {
    for (const pending of described?.raw.pendingActivities ?? []) {
      if (pending.state !== STARTED || !pending.lastWorkerIdentity) continue;
      const list = byIdentity.get(pending.lastWorkerIdentity) ?? [];
      list.push({
        ...exec,
        activityId: pending.activityId ?? '',
        type: pending.activityType?.name ?? '?',
        attempt: pending.attempt ?? 1,
      });
      byIdentity.set(pending.lastWorkerIdentity, list);
    }
  }
  return byIdentity;
}

/** The identity that ran a workflow's (or its job child's) latest workflow task: the worker caching it. */
async function lastTaskWorker(cluster: Cluster, workflowId: string): Promise<string | undefined> {
  for (const id of [`${workflowId}/job-1`, `${workflowId}/job-v1`, workflowId]) {
    const history = await cluster
      .client()
      .workflow.getHandle(id)
      .fetchHistory()
      .catch(() => undefined);
    const events = history?.events ?? [];
    for (let i = events.length - 1; i >= 0; i--) {
      const identity = events[i]?.workflowTaskStartedEventAttributes?.identity;
      if (identity) return identity;
    }
  }
  return undefined;
}

/**
 * Which worker to kill: one running activities (so their recovery can be timed), else the one holding an
 * in-progress workflow in its cache, else any.
 */
async function chooseVictim(
  cluster: Cluster,
  random: () => number,
  inProgress: Running[],
): Promise<{ slot: WorkerSlot; reason: string; orphans: Orphan[] }> {
  const live = cluster.workers.filter((w) => w.process);
  const started = await startedActivities(cluster).catch(() => new Map<string, Orphan[]>());
  const busy = live.filter((w) => (started.get(w.identity ?? '')?.length ?? 0) > 0);
  if (busy.length > 0) {
    const slot = busy[Math.floor(random() * busy.length)]!;
    const orphans = started.get(slot.identity ?? '') ?? [];
    return { slot, reason: `running ${orphans.map((o) => o.type).join(', ')}`, orphans };
  }
  const target = inProgress[Math.floor(random() * inProgress.length)];
  if (target) {
    const identity = await lastTaskWorker(cluster, target.record.workflowId).catch(() => undefined);
    const owner = live.find((w) => w.identity === identity);
    if (owner) return { slot: owner, reason: `caching ${target.record.workflowId}`, orphans: [] };
  }
  return { slot: live[Math.floor(random() * live.length)] ?? cluster.workers[0]!, reason: 'chance', orphans: [] };
}

/** The orphans still started on the dead worker, in the same attempt. */
async function stillPendingOn(cluster: Cluster, orphans: Orphan[], deadIdentity: string): Promise<Orphan[]> {
  const out: Orphan[] = [];
  for (const orphan of orphans) {
    const described = await cluster
      .client()
      .workflow.getHandle(orphan.workflowId, orphan.runId)
      .describe()
      .catch(() => undefined);
    const pending = described?.raw.pendingActivities?.find((p) => p.activityId === orphan.activityId);
    if (
      pending?.state === STARTED &&
      (pending.attempt ?? 1) === orphan.attempt &&
      pending.lastWorkerIdentity === deadIdentity
    ) {
      out.push(orphan);
    }
  }
  return out;
}

/** When every orphaned activity had completed or started again on another worker (undefined: not within `timeoutMs`). */
async function orphansResumed(
  cluster: Cluster,
  orphans: Orphan[],
  deadIdentity: string,
  timeoutMs: number,
): Promise<number | undefined> {
  const waiting = new Set(orphans);
  const deadline = Date.now() + timeoutMs;
  while (waiting.size > 0 && Date.now() < deadline) {
    for (const orphan of [...waiting]) {
      const described = await cluster
        .client()
        .workflow.getHandle(orphan.workflowId, orphan.runId)
        .describe()
        .catch(() => undefined);
      if (!described) continue;
      const pending = (described.raw.pendingActivities ?? []).find((p) => p.activityId === orphan.activityId);
      const resumed =
        !pending ||
        (pending.state === STARTED &&
          ((pending.attempt ?? 1) > orphan.attempt || pending.lastWorkerIdentity !== deadIdentity));
      if (resumed) waiting.delete(orphan);
    }
    if (waiting.size > 0) await sleep(500);
  }
  return waiting.size === 0 ? Date.now() : undefined;
}

/** Every execution of the soak's task queue (children and continued runs too) and their history lengths. */
async function historyTotals(
  cluster: Cluster,
): Promise<{ historyEvents: number; executions: number; largestHistory: number }> {
  let historyEvents = 0;
  let executions = 0;
  let largestHistory = 0;
  for await (const wf of cluster.client().workflow.list({ query: `TaskQueue = '${cluster.taskQueue}'` })) {
    executions += 1;
    historyEvents += wf.historyLength;
    largestHistory = Math.max(largestHistory, wf.historyLength);
  }
  return { historyEvents, executions, largestHistory };
}

export type { Problem };
