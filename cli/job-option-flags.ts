/**
 * The job options' flags, spelled as the command line spells them, and the one check they share with the
 * workflows (`common/job-options.ts`): a bad value is a usage error (exit 2) before anything connects, with the
 * message the workflow would give, in flag names.
 */
import type { Command } from 'commander';
import { InputError } from '../common/errors.js';
import type { OptionNames } from '../common/job-options.js';

const FLAGS: Readonly<Record<string, string>> = {
  api: '--api',
  columnDelimiter: '--delimiter',
  lineEnding: '--line-ending',
  assignmentRuleId: '--assignment-rule-id',
  concurrencyMode: '--serial',
  batchSize: '--batch-size',
  pkChunking: '--pk-chunking',
  'pkChunking.chunkSize': '--pk-chunking',
  'pkChunking.startRow': '--pk-chunking-start-row',
};

/** An option of the input by its flag. */
export const flagNames: OptionNames = (option) => FLAGS[option] ?? option;

/** A count as typed: a number when it is digits, else the text, which the check then names in its refusal. */
export function countArgument(value: string): number | string {
  return /^\d+$/.test(value) ? Number(value) : value;
}

/** A wire name as typed, in Salesforce's upper case (`semicolon` → `SEMICOLON`); other text is left to the check. */
export function wireName(value: string): string {
  return /^[a-z]+$/i.test(value) ? value.toUpperCase() : value;
}

/** Runs a job options check with flag names; a refusal is the command's usage error. */
export function checkFlags(command: Command, check: (names: OptionNames) => void): void {
  try {
    check(flagNames);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    command.error(`error: ${err.message}`, { exitCode: 2, code: 'bulkflow.usage' });
  }
}
