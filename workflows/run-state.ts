/**
 * The state machine of a bulk workflow, and its one transition rule: Preparing → Uploading → Processing →
 * Downloading, forward only, then one of Completed, Failed or Aborted, after which nothing moves. A move the rule
 * refuses (back from Processing to Uploading when a later unit starts, say) is ignored, so operators listing
 * `BulkflowState="Processing"` never see a load go back. The state goes to the `BulkflowState` search attribute
 * when the workflow keeps one.
 *
 * Runs recorded before the rule existed (`RunControl.current` false) moved as their code moved them, and a
 * replay must issue the same search-attribute updates: for them every move is taken.
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import { BulkflowState, SearchAttributes } from './contract.js';

/** The order of the working states. */
const FORWARD: readonly BulkflowState[] = [
  BulkflowState.Preparing,
  BulkflowState.Uploading,
  BulkflowState.Processing,
  BulkflowState.Downloading,
];

/** The states that end a run. */
export const FINAL_STATES: readonly BulkflowState[] = [
  BulkflowState.Completed,
  BulkflowState.Failed,
  BulkflowState.Aborted,
];

/** Whether a run may go from `from` to `to`: forward, or from a working state to a final one. */
export function canMove(from: BulkflowState, to: BulkflowState): boolean {
  if (FINAL_STATES.includes(from)) return false;
  if (FINAL_STATES.includes(to)) return true;
  return FORWARD.indexOf(to) > FORWARD.indexOf(from);
}

/** The earliest of some working states: where a run is when its units are at these states. */
export function earliest(states: Iterable<BulkflowState>): BulkflowState | undefined {
  let first: BulkflowState | undefined;
  for (const state of states) {
    if (first === undefined || FORWARD.indexOf(state) < FORWARD.indexOf(first)) first = state;
  }
  return first;
}

/** A run's state: moved by {@link canMove}, mirrored to the search attribute when asked. */
export class RunState {
  private value: BulkflowState = BulkflowState.Preparing;

  constructor(
    private readonly options: {
      /** Keep the `BulkflowState` search attribute (the public workflows do; their children do not). */
      searchAttribute: boolean;
      /** Runs recorded before the rule: every move is taken, as their code made it. */
      legacy: boolean;
    },
  ) {}

  get current(): BulkflowState {
    return this.value;
  }

  /** Moves to `next` when the rule allows it; returns whether it moved. */
  enter(next: BulkflowState): boolean {
    if (this.value === next) return false;
    if (!this.options.legacy && !canMove(this.value, next)) return false;
    this.value = next;
    if (this.options.searchAttribute) upsertSearchAttributes([{ key: SearchAttributes.state, value: next }]);
    return true;
  }
}
