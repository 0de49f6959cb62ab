/**
 * Emulator fixtures that close themselves: `useEmulator()` for a describe block or a whole file,
 * `startEmulator(t)` for one test. Either way the teardown is registered where the emulator is made,
 * so no test file repeats `before(create)` / `after(close)` or a try/finally around `close()`.
 */
import { after, before } from 'node:test';
import {
  createSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../emulator/index.js';

/**
 * Anything with node:test's `after`: a test's context `t`, or `{ after }` at a file's top level
 * (`const emulator = await startEmulator({ after })`, with top-level await: Node 20 runs a file's
 * top-level `before` hooks at once, not one after the other, so set-up there cannot wait for another hook).
 */
export interface TeardownHost {
  after(fn: () => unknown): unknown;
}

/** Starts an emulator that closes when `host` ends, e.g. `await startEmulator(t, { sessionSeconds: 1 })`. */
export async function startEmulator(
  host: TeardownHost,
  options?: SalesforceEmulatorOptions,
): Promise<SalesforceEmulator> {
  const emulator = await createSalesforceEmulator(options);
  host.after(() => emulator.close());
  return emulator;
}

/**
 * Registers a `before` hook that starts an emulator and an `after` hook that closes it, in the
 * surrounding describe block (or file), and returns the emulator. Options made in the hook (a generated
 * certificate) can be given as an async function. Call it in the describe body; the
 * returned object stands for the emulator once the hook has run, and throws if used before.
 * Hooks of a describe block run in the order they are registered, so call it before hooks that need the
 * emulator; its `after` then also runs first (use `startEmulator` when something must stop before it
 * closes). Not for a file's top level, where Node 20 does not run `before` hooks in order: use
 * `await startEmulator({ after })` there.
 */
export function useEmulator(
  options?: SalesforceEmulatorOptions | (() => Promise<SalesforceEmulatorOptions>),
): SalesforceEmulator {
  let current: SalesforceEmulator | undefined;
  before(async () => {
    current = await createSalesforceEmulator(typeof options === 'function' ? await options() : options);
  });
  after(() => current?.close());
  const live = (): SalesforceEmulator => {
    if (current === undefined) throw new Error('useEmulator(): the emulator is used before its before() hook ran');
    return current;
  };
  return new Proxy({} as SalesforceEmulator, {
    get: (_, key) => Reflect.get(live(), key) as unknown,
    has: (_, key) => Reflect.has(live(), key),
  });
}
