/**
 * Where a bulk workflow's time went, by phase, in workflow time (deterministic: the time of the workflow
 * task, so replay computes the same figures). Children report spans; the parent merges them, so jobs that
 * ran side by side count once, as wall-clock time.
 */

/**
 * Where a workflow's time went, in ms of workflow time. Phases of jobs that ran side by side overlap and are
 * counted once (first start to last end); the gaps between phases are the workflow's own scheduling.
 */
export interface PhaseTimings {
  /** Reading, checking and cutting the input into upload units (ingest only). */
  stagingMs: number;
  /** Creating the job(s) and sending the data (ingest only). */
  uploadMs: number;
  /** Salesforce processing: from closing the job (query: creating it) until the poll that saw it end. */
  processingMs: number;
  /** Fetching and checking the result files (query: the records). */
  downloadMs: number;
  /** Start of the workflow to its result. */
  totalMs: number;
}

/** The phases a result reports. */
export type Phase = 'staging' | 'upload' | 'processing' | 'download';

/** When each phase began and ended (epoch ms of workflow time). */
export type PhaseSpans = Partial<Record<Phase, { startMs: number; endMs: number }>>;

/** Records spans as a workflow moves through its phases. */
export class PhaseClock {
  readonly spans: PhaseSpans;

  constructor(spans: PhaseSpans = {}) {
    this.spans = { ...spans };
  }

  /** Runs `step` as (part of) `phase`: the span grows to cover it. */
  async time<T>(phase: Phase, step: () => Promise<T>): Promise<T> {
    this.begin(phase);
    try {
      return await step();
    } finally {
      this.end(phase);
    }
  }

  /**
   * Marks `phase` as begun now (kept if it began before, e.g. in the run before a continue-as-new), so that
   * the spans carried across continue-as-new already hold it.
   */
  begin(phase: Phase): void {
    const now = Date.now();
    this.cover(phase, now, now);
  }

  /** Marks `phase` as running until now. */
  end(phase: Phase): void {
    const span = this.spans[phase];
    if (span) this.cover(phase, span.startMs, Date.now());
  }

  private cover(phase: Phase, startMs: number, endMs: number): void {
    const span = this.spans[phase];
    this.spans[phase] = span
      ? { startMs: Math.min(span.startMs, startMs), endMs: Math.max(span.endMs, endMs) }
      : { startMs, endMs };
  }

  /** Adds other spans (a child's) to these. */
  merge(other: PhaseSpans | undefined): void {
    for (const [phase, span] of Object.entries(other ?? {}) as Array<[Phase, { startMs: number; endMs: number }]>) {
      this.cover(phase, span.startMs, span.endMs);
    }
  }

  /** Milliseconds per phase, and in all since `startedAtMs`. */
  timings(startedAtMs: number): PhaseTimings {
    const ms = (phase: Phase) => {
      const span = this.spans[phase];
      return span ? span.endMs - span.startMs : 0;
    };
    return {
      stagingMs: ms('staging'),
      uploadMs: ms('upload'),
      processingMs: ms('processing'),
      downloadMs: ms('download'),
      totalMs: Date.now() - startedAtMs,
    };
  }
}
