/**
 * Hosts one emulator in a process of its own, so that its memory is measured alone (`bench/emulator-scale.ts`).
 * `node --import tsx bench/scale/emulator-host.ts <emulator index.ts> '<options JSON>'`: sends `{ url }` once
 * listening, answers `'memory'` with {@link HostMemory}, and closes on `'close'`. The emulator module is a
 * path, so the same host runs an older checkout of the emulator for before/after figures.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** `/proc/self/status` figures, kilobytes: peak and current RSS, and the current RSS split by kind. */
export interface HostMemory {
  peakRssKb: number;
  /** The largest anonymous (heap, buffers) and file-backed (mapped store) parts seen, sampled every 250 ms. */
  peakAnonKb: number;
  peakFileKb: number;
  rssKb: number;
  rssAnonKb: number;
  rssFileKb: number;
  heapUsedKb: number;
}

function status(field: string): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? 0);
}

let peakAnonKb = 0;
let peakFileKb = 0;

function sample(): void {
  peakAnonKb = Math.max(peakAnonKb, status('RssAnon'));
  peakFileKb = Math.max(peakFileKb, status('RssFile') + status('RssShmem'));
}

export function hostMemory(): HostMemory {
  sample();
  return {
    peakRssKb: status('VmHWM'),
    peakAnonKb,
    peakFileKb,
    rssKb: status('VmRSS'),
    rssAnonKb: status('RssAnon'),
    rssFileKb: status('RssFile') + status('RssShmem'),
    heapUsedKb: Math.round(process.memoryUsage().heapUsed / 1024),
  };
}

interface EmulatorModule {
  createSalesforceEmulator(options: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }>;
}

const [, , modulePath = '', optionsJson = '{}'] = process.argv;
const emulatorModule = (await import(pathToFileURL(modulePath).href)) as EmulatorModule;
const UNLIMITED = 100_000_000;
const emulator = await emulatorModule.createSalesforceEmulator({
  limits: { DailyApiRequests: UNLIMITED, DailyBulkApiBatches: UNLIMITED, DailyBulkV2QueryJobs: UNLIMITED },
  ...(JSON.parse(optionsJson) as Record<string, unknown>),
});
setInterval(sample, 250).unref();
process.on('message', (message) => {
  if (message === 'memory') process.send?.({ memory: hostMemory() });
  if (message === 'close') void emulator.close().then(() => process.exit(0));
});
process.send?.({ url: emulator.url });
