import type { JobDefinition, JobKind } from '../definition/analytics-file.schema';

/** A job that runs on a schedule, once per tenant each time. */
export interface JobRunner {
  readonly kind: JobKind;
  /** Runs the job for one tenant at `nowMs`; returns counts for the jobs view. Throws when the run failed as a whole. */
  run(definition: JobDefinition, tenant: string, nowMs: number): Promise<Record<string, number>>;
}

/** DI token of the list of job runners. */
export const JOB_RUNNERS = Symbol('analytics job runners');
