/** Checks faults given as JSON (or by in-process callers) and names the first bad field. */
import { FaultSpecError, FaultType } from './fault-spec.js';
import type { FaultSpec } from './fault-spec.js';

const SELECTION = ['skip', 'every', 'rate', 'seed', 'count'];
const ROUTE = ['method', 'path'];

/** Fields each type accepts besides `type`. */
const FIELDS: Readonly<Record<FaultType, readonly string[]>> = {
  serverError: [...ROUTE, ...SELECTION, 'status'],
  latency: [...ROUTE, ...SELECTION, 'ms'],
  connectionReset: [...ROUTE, ...SELECTION, 'afterBytes'],
  rateLimit: [...ROUTE, ...SELECTION, 'status', 'retryAfterSeconds', 'message'],
  expireSessions: ['at'],
  unableToLockRow: [...SELECTION, 'object'],
  jobFailure: [...SELECTION, 'errorMessage', 'afterRecords', 'object'],
  slowProcessing: ['recordsPerSecond'],
};

type Check = (value: unknown) => boolean;
const nonNegativeInteger: Check = (v) => Number.isInteger(v) && (v as number) >= 0;
const positiveInteger: Check = (v) => Number.isInteger(v) && (v as number) > 0;
const isString: Check = (v) => typeof v === 'string';

const CHECKS: Readonly<Record<string, [Check, string]>> = {
  skip: [nonNegativeInteger, 'a non-negative integer'],
  every: [positiveInteger, 'a positive integer'],
  rate: [(v) => typeof v === 'number' && v >= 0 && v <= 1, 'a number from 0 to 1'],
  seed: [Number.isInteger, 'an integer'],
  count: [nonNegativeInteger, 'a non-negative integer'],
  method: [isString, 'a string'],
  path: [isString, 'a string'],
  ms: [nonNegativeInteger, 'a non-negative integer'],
  afterBytes: [nonNegativeInteger, 'a non-negative integer'],
  retryAfterSeconds: [nonNegativeInteger, 'a non-negative integer'],
  message: [isString, 'a string'],
  errorMessage: [isString, 'a string'],
  afterRecords: [nonNegativeInteger, 'a non-negative integer'],
  object: [isString, 'a string'],
  recordsPerSecond: [(v) => typeof v === 'number' && v > 0, 'a positive number'],
  at: [
    (v) => (typeof v === 'number' && Number.isFinite(v)) || (typeof v === 'string' && !Number.isNaN(Date.parse(v))),
    'an ISO date-time or epoch milliseconds',
  ],
};

const REQUIRED: Partial<Record<FaultType, readonly string[]>> = {
  latency: ['ms'],
  slowProcessing: ['recordsPerSecond'],
};

function checkStatus(fault: Record<string, unknown>, where: string): void {
  const status = fault['status'];
  if (status === undefined) return;
  const ok =
    fault['type'] === FaultType.RateLimit
      ? status === 403 || status === 429
      : Number.isInteger(status) && (status as number) >= 500 && (status as number) <= 599;
  if (!ok) throw new FaultSpecError(`${where}.status is not allowed: ${JSON.stringify(status)}`);
}

/** One fault, checked. */
export function parseFault(value: unknown, where = 'fault'): FaultSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new FaultSpecError(`${where} must be an object`);
  }
  const fault = value as Record<string, unknown>;
  const type = fault['type'];
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    const known = Object.values(FaultType).join(', ');
    throw new FaultSpecError(`${where}.type must be one of ${known}, got ${JSON.stringify(type)}`);
  }
  const allowed = FIELDS[type as FaultType];
  for (const [key, field] of Object.entries(fault)) {
    if (key === 'type') continue;
    if (!allowed.includes(key)) throw new FaultSpecError(`${where}.${key} is not a field of a ${type} fault`);
    const check = CHECKS[key];
    if (check && key !== 'status' && !check[0](field)) throw new FaultSpecError(`${where}.${key} must be ${check[1]}`);
  }
  for (const key of REQUIRED[type as FaultType] ?? []) {
    if (fault[key] === undefined) throw new FaultSpecError(`${where}.${key} is required for a ${type} fault`);
  }
  checkStatus(fault, where);
  return fault as unknown as FaultSpec;
}

/** A list of faults: an array, `{ "faults": [...] }`, or a single fault object. */
export function parseFaults(body: unknown): FaultSpec[] {
  const list =
    typeof body === 'object' && body !== null && !Array.isArray(body) && 'faults' in body ? body.faults : body;
  const items = Array.isArray(list) ? (list as unknown[]) : [list];
  return items.map((item, index) => parseFault(item, `faults[${index}]`));
}
