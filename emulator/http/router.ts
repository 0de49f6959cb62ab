/**
 * A small router over path patterns such as `/services/data/{version}/jobs/ingest/{jobId}`. `{version}` only
 * matches `vNN.N`; other `{name}` segments match any one segment. Trailing slashes are ignored, as Salesforce
 * ignores them. Each route's label (its pattern with the version shown as `vXX.X`) names it in request stats.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** What a handler gets for one request. */
export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Readonly<Record<string, string>>;
}

export type RouteHandler = (context: RouteContext) => void | Promise<void>;

interface Route {
  method: string;
  segments: readonly string[];
  label: string;
  handler: RouteHandler;
}

/** A match, a path known under other methods only, or nothing. */
export type RouteMatch =
  | { kind: 'found'; label: string; handler: RouteHandler; params: Record<string, string> }
  | { kind: 'methodNotAllowed'; allowed: string[] }
  | { kind: 'notFound' };

const VERSION = /^v\d+\.\d+$/;

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

function matchSegments(pattern: readonly string[], path: readonly string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, expected] of pattern.entries()) {
    const actual = path[index] ?? '';
    if (expected === '{version}') {
      if (!VERSION.test(actual)) return undefined;
      params['version'] = actual.slice(1);
    } else if (expected.startsWith('{') && expected.endsWith('}')) {
      params[expected.slice(1, -1)] = decodeURIComponent(actual);
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

/** Routes requests by method and path. */
export class Router {
  readonly #routes: Route[] = [];

  /** Adds a route; `pattern` is a path with `{name}` segments. */
  add(method: string, pattern: string, handler: RouteHandler): this {
    const label = `${method} ${pattern.replace('{version}', 'vXX.X')}`;
    this.#routes.push({ method, segments: splitPath(pattern), label, handler });
    return this;
  }

  match(method: string, pathname: string): RouteMatch {
    const path = splitPath(pathname);
    const allowed: string[] = [];
    for (const route of this.#routes) {
      const params = matchSegments(route.segments, path);
      if (!params) continue;
      if (route.method === method) return { kind: 'found', label: route.label, handler: route.handler, params };
      allowed.push(route.method);
    }
    return allowed.length > 0 ? { kind: 'methodNotAllowed', allowed } : { kind: 'notFound' };
  }
}
