/**
 * Staging an input: a CSV stream cut into upload units (`csv/split.ts`) that land in the staging store, each
 * whole or not at all. History holds their URLs, counts and checksums; the rows stay here.
 */
import { Writable, type Readable } from 'node:stream';
import { StagingKeys } from '../common/staging-keys.js';
import type { LoadedRows } from '../csv/result-matching.js';
import { splitCsv, type UploadLimits, type UploadUnit } from '../csv/split.js';
import type { StagingStore } from './staging-store.js';

/** A staged upload unit: where it is, and what {@link splitCsv} counted of it. */
export interface StagedUnitFile extends UploadUnit {
  url: string;
}

export interface StageUnitsOptions {
  /** The run's staging prefix. */
  stagingPrefix: string;
  limits: UploadLimits;
  /** Rows earlier runs loaded: an input row they hold is not staged again (a rerun). */
  loaded?: LoadedRows;
  /** Called every 10,000 rows, e.g. to heartbeat. */
  onProgress?: (rowsSoFar: number) => void;
  /** The input's column delimiter and line ending; units are written with commas and LF whatever they are. */
  delimiter?: string;
  newline?: '\n' | '\r\n';
  /** Count, check and hash the units but write none (a dry run). @default true */
  write?: boolean;
}

/** A sink that keeps nothing: a dry run's units. */
const nowhere = () => new Writable({ write: (_chunk, _encoding, done) => done() });

/** The input's rows, staged as units. */
export interface StagedUnits {
  columns: string[];
  /** Data rows of the input, loaded ones included. */
  totalRows: number;
  /** Rows left out because earlier runs loaded them. */
  skippedRows: number;
  units: StagedUnitFile[];
}

/** Cuts `input` (a CSV stream, header first) into units in `store`, one streaming pass. */
export async function stageUnits(
  input: Readable,
  store: StagingStore,
  options: StageUnitsOptions,
): Promise<StagedUnits> {
  const key = (index: number) => StagingKeys.unit(options.stagingPrefix, index);
  const { loaded } = options;
  const split = await splitCsv(input, {
    limits: options.limits,
    openUnit: (index) => (options.write === false ? nowhere() : store.openWrite(key(index))),
    ...(options.delimiter ? { delimiter: options.delimiter } : {}),
    ...(options.newline ? { newline: options.newline } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    ...(loaded ? { skipRow: (row: readonly string[]) => loaded.take(row) } : {}),
  });
  return { ...split, units: split.units.map((unit) => ({ ...unit, url: store.urlFor(key(unit.index)) })) };
}
