/**
 * Holds the active faults and decides, for each request, row and job it is asked about, whether a fault hits
 * it. Every decision is deterministic: candidates are counted in arrival order and {@link Selection} picks them,
 * with a seeded PRNG for rates. Counts of what each fault saw and hit show in `/__emulator/stats`.
 */
import type { SessionStore } from '../auth/sessions.js';
import { StatusCode, recordError } from '../org/record-errors.js';
import type { RecordError } from '../org/record-errors.js';
import { FaultType } from './fault-spec.js';
import type {
  ConnectionResetFault,
  FaultSpec,
  JobFailureFault,
  LatencyFault,
  RateLimitFault,
  RouteFilter,
  Selection,
  ServerErrorFault,
} from './fault-spec.js';
import { parseFault } from './fault-validation.js';

/** What a request fault does to one request. */
export interface RequestFaultPlan {
  latencyMs: number;
  /** Destroy the connection after reading this many body bytes. */
  resetAfterBytes?: number;
  serverErrorStatus?: number;
  rateLimit?: { status: number; retryAfterSeconds: number; message: string };
}

/** A job as the processing faults see it. */
export interface FaultJob {
  jobId: string;
  object: string;
}

/** One active fault and its counters. */
interface ActiveFault {
  spec: FaultSpec;
  seen: number;
  fired: number;
  random: () => number;
  /** Job faults: the decision taken for each job, true while a failure is still to come. */
  jobs: Map<string, boolean>;
}

/** A fault and how often it fired, as reported in stats. */
export type FaultReport = FaultSpec & { seen: number; fired: number };

export const DEFAULT_JOB_FAILURE = 'InternalServerError : Retried more than 10 times';
/** Written as `UNABLE_TO_LOCK_ROW:unable to obtain exclusive access to this record:--`. */
export const UNABLE_TO_LOCK_ROW: RecordError = recordError(
  StatusCode.UnableToLockRow,
  'unable to obtain exclusive access to this record',
);

/** mulberry32: a tiny, well-mixed 32-bit PRNG, enough to make rates reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Counts a candidate and says whether the fault hits it. */
function select(fault: ActiveFault): boolean {
  const spec = fault.spec as Selection;
  const position = fault.seen - (spec.skip ?? 0);
  fault.seen += 1;
  if (position < 0) return false;
  if (spec.count !== undefined && fault.fired >= spec.count) return false;
  if (spec.every !== undefined) return (position + 1) % spec.every === 0;
  if (spec.rate !== undefined) return fault.random() < spec.rate;
  return true;
}

function routeMatches(filter: RouteFilter, method: string, pathname: string): boolean {
  if (filter.method !== undefined && filter.method.toUpperCase() !== method.toUpperCase()) return false;
  if (filter.path === undefined) return true;
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  if (!filter.path.includes('*')) return path.includes(filter.path);
  const pattern = filter.path.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${pattern.join('.*')}$`).test(path);
}

const sameObject = (filter: string | undefined, object: string) =>
  filter === undefined || filter.toLowerCase() === object.toLowerCase();

/** The emulator's fault switchboard. */
export class FaultInjector {
  #faults: ActiveFault[] = [];

  constructor(private readonly sessions: SessionStore) {}

  /** Replaces the active faults (checked first: a bad one throws naming its field, and nothing changes). */
  set(faults: FaultSpec | readonly FaultSpec[]): void {
    const specs = (Array.isArray(faults) ? faults : [faults]) as readonly FaultSpec[];
    const checked = specs.map((spec, index) => parseFault(spec, `faults[${index}]`));
    this.clear();
    for (const spec of checked) this.#activate(spec);
  }

  /** Adds faults to the active ones. */
  add(...faults: FaultSpec[]): void {
    const checked = faults.map((spec, index) => parseFault(spec, `faults[${index}]`));
    for (const spec of checked) this.#activate(spec);
  }

  /** Removes every fault and any pending session expiry. */
  clear(): void {
    this.#faults = [];
    this.sessions.clearExpiryMoment();
    this.sessions.resetCounts();
  }

  /** Active faults with their counts. */
  report(): FaultReport[] {
    return this.#faults.map((f) => {
      const fired = f.spec.type === FaultType.ExpireSessions ? this.sessions.forcedExpirations : f.fired;
      return { ...f.spec, seen: f.seen, fired };
    });
  }

  /** What the active request faults do to one request. */
  planRequest(method: string, pathname: string): RequestFaultPlan {
    const plan: RequestFaultPlan = { latencyMs: 0 };
    let answered = false;
    for (const fault of this.#faults) {
      const spec = fault.spec;
      if (!isRequestFault(spec) || !routeMatches(spec, method, pathname)) continue;
      if (spec.type !== FaultType.Latency && answered) continue;
      if (!select(fault)) continue;
      fault.fired += 1;
      if (spec.type === FaultType.Latency) plan.latencyMs += spec.ms;
      else answered = true;
      if (spec.type === FaultType.ConnectionReset) plan.resetAfterBytes = spec.afterBytes ?? 0;
      if (spec.type === FaultType.ServerError) plan.serverErrorStatus = spec.status ?? 500;
      if (spec.type === FaultType.RateLimit) {
        const message = spec.message ?? 'TotalRequests Limit exceeded.';
        plan.rateLimit = { status: spec.status ?? 403, retryAfterSeconds: spec.retryAfterSeconds ?? 1, message };
      }
    }
    return plan;
  }

  /** The per-record error for a row about to be written, or undefined to write it. */
  rowError(job: FaultJob): RecordError | undefined {
    for (const fault of this.#faults) {
      if (fault.spec.type !== FaultType.UnableToLockRow || !sameObject(fault.spec.object, job.object)) continue;
      if (select(fault)) {
        fault.fired += 1;
        return UNABLE_TO_LOCK_ROW;
      }
    }
    return undefined;
  }

  /** The error message to fail a job with before it writes the row after `processed` rows, or undefined. */
  jobFailure(job: FaultJob, processed: number): string | undefined {
    for (const fault of this.#faults) {
      const spec = fault.spec;
      if (spec.type !== FaultType.JobFailure || !sameObject(spec.object, job.object)) continue;
      let pending = fault.jobs.get(job.jobId);
      if (pending === undefined) {
        pending = select(fault);
        fault.jobs.set(job.jobId, pending);
      }
      if (pending && processed >= (spec.afterRecords ?? 0)) return this.#fireJobFailure(fault, spec, job);
    }
    return undefined;
  }

  /** The processing speed set by a slowProcessing fault (the last one wins), or undefined. */
  recordsPerSecond(): number | undefined {
    let rate: number | undefined;
    for (const { spec } of this.#faults) if (spec.type === FaultType.SlowProcessing) rate = spec.recordsPerSecond;
    return rate;
  }

  #fireJobFailure(fault: ActiveFault, spec: JobFailureFault, job: FaultJob): string {
    fault.jobs.set(job.jobId, false);
    fault.fired += 1;
    return spec.errorMessage ?? DEFAULT_JOB_FAILURE;
  }

  #activate(spec: FaultSpec): void {
    const seed = 'seed' in spec && spec.seed !== undefined ? spec.seed : 1;
    this.#faults.push({ spec, seen: 0, fired: 0, random: seededRandom(seed), jobs: new Map() });
    if (spec.type === FaultType.ExpireSessions) {
      if (spec.at === undefined) this.sessions.expireAll();
      else this.sessions.expireAt(typeof spec.at === 'number' ? spec.at : Date.parse(spec.at));
    }
  }
}

type RequestFault = ServerErrorFault | LatencyFault | ConnectionResetFault | RateLimitFault;

function isRequestFault(spec: FaultSpec): spec is RequestFault {
  return (
    spec.type === FaultType.ServerError ||
    spec.type === FaultType.Latency ||
    spec.type === FaultType.ConnectionReset ||
    spec.type === FaultType.RateLimit
  );
}
