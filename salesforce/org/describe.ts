/**
 * sObject describe: which objects the org has (describeGlobal, `GET /services/data/vXX.X/sobjects`) and the
 * fields of one (`GET /services/data/vXX.X/sobjects/{Object}/describe`), for checking an input before any job
 * exists. Only the facts a pre-flight needs are typed; the rest of Salesforce's answer is kept as it came.
 *
 * Results are cached by the client (so per worker) for a bounded time and number of objects: a schema rarely
 * changes during a load, a describe costs an API call, and a worker that lives for weeks must still see a field
 * an admin added today. Concurrent calls for the same object share one request; failures are not cached.
 *
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_describeGlobal.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_sobject_describe.htm
 * @see https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_describesobjects_describesobjectresult.htm
 */
import { SalesforceHttpError } from '../core/errors.js';
import type { SalesforceHttp } from '../core/http.js';
import { InputError, InputProblem } from '../../common/errors.js';

/** One field of a describe result (`Field`), the parts a pre-flight reads. */
export interface DescribeField {
  name: string;
  label?: string;
  /** `string`, `reference`, `id`, `boolean`, `picklist`, … */
  type: string;
  length?: number;
  /** May be left empty. */
  nillable: boolean;
  createable: boolean;
  updateable: boolean;
  externalId: boolean;
  /** Can identify a record in an upsert or a relationship column (Id, external ids, some standard fields). */
  idLookup: boolean;
  /** Salesforce fills it on insert when the input does not (defaults, checkboxes, owner, audit fields). */
  defaultedOnCreate: boolean;
  picklistValues?: Array<{ value: string; active?: boolean }>;
  /** Objects a reference field may point at; several for a polymorphic one. */
  referenceTo?: string[];
  /** Name of a reference field's relationship, as in `Account.External_Id__c`; null for other fields. */
  relationshipName?: string | null;
}

/** A describe result (`DescribeSObjectResult`), the parts a pre-flight reads. */
export interface SObjectDescribe {
  name: string;
  label?: string;
  createable?: boolean;
  updateable?: boolean;
  deletable?: boolean;
  fields: DescribeField[];
}

/** One object of describeGlobal. */
export interface GlobalSObject {
  name: string;
  label?: string;
  createable?: boolean;
}

export interface GlobalDescribe {
  sobjects: GlobalSObject[];
}

export interface DescribeCacheOptions {
  /** How long a describe is reused. @default 600000 (10 minutes) */
  ttlMs?: number;
  /** Objects kept at most; the least recently used goes first. @default 200 */
  maxEntries?: number;
  /** The clock, for tests. @default Date.now */
  now?: () => number;
}

interface CacheEntry {
  expires: number;
  value: Promise<unknown>;
}

const GLOBAL_KEY = '\0global';

/** Reads and caches describe results. Object names match case-insensitively, as in Salesforce. */
export class DescribeClient {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(
    private readonly http: SalesforceHttp,
    private readonly apiVersion: string,
    options: DescribeCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 10 * 60_000;
    this.maxEntries = Math.max(1, options.maxEntries ?? 200);
    this.now = options.now ?? Date.now;
  }

  /** describeGlobal: every object the user can see. */
  describeGlobal(): Promise<GlobalDescribe> {
    return this.cached(GLOBAL_KEY, () =>
      this.http.json<GlobalDescribe>({
        method: 'GET',
        path: `/services/data/v${this.apiVersion}/sobjects`,
        api: 'rest',
      }),
    );
  }

  /**
   * The object's describe. An object the org does not have is `InputError` `SF_UNKNOWN_OBJECT`, naming
   * the object and the org's nearest names.
   */
  describeSObject(objectName: string): Promise<SObjectDescribe> {
    return this.cached(objectName.toLowerCase(), async () => {
      const path = `/services/data/v${this.apiVersion}/sobjects/${encodeURIComponent(objectName)}/describe`;
      try {
        return await this.http.json<SObjectDescribe>({ method: 'GET', path, api: 'rest' });
      } catch (err) {
        throw await this.unknownObject(objectName, err);
      }
    });
  }

  /** Forgets every cached describe, e.g. after deploying fields. */
  clear(): void {
    this.cache.clear();
  }

  /** A 404 means an unknown object only if describeGlobal agrees; anything else stays what it was. */
  private async unknownObject(objectName: string, err: unknown): Promise<unknown> {
    if (!(err instanceof SalesforceHttpError) || err.statusCode !== 404) return err;
    let names: string[];
    try {
      names = (await this.describeGlobal()).sobjects.map((o) => o.name);
    } catch {
      return err;
    }
    if (names.some((n) => n.toLowerCase() === objectName.toLowerCase())) return err;
    const near = suggest(objectName, names);
    const hint = near.length ? `did you mean ${near.join(' or ')}?` : 'check its API name (custom objects end in __c)';
    return new InputError(`Salesforce has no object "${objectName}": ${hint}`, {
      problem: InputProblem.UnknownObject,
      statusCode: 404,
      errorCode: err.errorCode ?? 'NOT_FOUND',
      cause: err,
    });
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.now();
    const hit = this.cache.get(key);
    this.cache.delete(key);
    if (hit && hit.expires > now) {
      this.cache.set(key, hit); // most recently used last
      return hit.value as Promise<T>;
    }
    const value = load();
    this.cache.set(key, { expires: now + this.ttlMs, value });
    value.catch(() => {
      if (this.cache.get(key)?.value === value) this.cache.delete(key);
    });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
    }
    return value;
  }
}

/** Edit distance between two strings (insertions, deletions, substitutions), two rows of the table at a time. */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * "Did you mean": the candidates within an edit distance of 2 of `name`, case-insensitively, nearest first
 * (at most `limit`). A distance must also be below the name's length, so that `X` does not suggest `Id`. A custom
 * name is also compared without its `__c`, the part most often forgotten (`External_Id` → `External_Id__c`).
 */
export function suggest(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const wanted = name.toLowerCase();
  const scored: Array<[string, number]> = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const distance = Math.min(levenshtein(wanted, lower), levenshtein(wanted, lower.replace(/__c$/, '')));
    if (distance <= 2 && distance < wanted.length) scored.push([candidate, distance]);
  }
  scored.sort(([a, da], [b, db]) => da - db || a.localeCompare(b));
  return scored.slice(0, limit).map(([candidate]) => candidate);
}
