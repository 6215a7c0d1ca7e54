import { Injectable } from '@nestjs/common';
import { AppError, Clock } from '@stadtdaten/contracts';
import { Metrics } from '@stadtdaten/observability';
import { Counter, Gauge } from 'prom-client';
import type { JobDefinition } from '../definition/analytics-file.schema';
import { formatDuration } from '../definition/duration';

/** Last errors kept per job and tenant for the jobs view. */
const KEPT_ERRORS = 5;

export interface JobError {
  at: string;
  code: string;
  message: string;
}

/** Runs, errors and lag of one job for one tenant. */
export interface JobTenantStatus {
  tenant: string;
  lastRunAt?: string;
  lastSuccessAt?: string;
  lastDurationMs?: number;
  runs: number;
  failedRuns: number;
  errors: number;
  recentErrors: JobError[];
  /** How far the job's output trails its input, in milliseconds (see docs/analytics.md per kind). */
  lagMs?: number;
  /** Counts of the last run, e.g. written values or datastreams. */
  lastRun?: Record<string, number>;
}

export interface JobStatus {
  name: string;
  kind: JobDefinition['kind'];
  trigger: string;
  running: boolean;
  nextRunAt?: string;
  /** Records of the observation and rejection topics that the consumer group "analytics" has not handled yet (all tenants). */
  consumerLag?: number;
  tenants: JobTenantStatus[];
}

interface JobEntry {
  definition: JobDefinition;
  running: number;
  nextRunMs?: number;
  tenants: Map<string, JobTenantStatus>;
}

/**
 * Keeps each job's last run, lag and errors per tenant, for GET /api/v1/jobs and /metrics
 * (stadtdaten_analytics_job_*).
 */
@Injectable()
export class JobTracker {
  private readonly jobs = new Map<string, JobEntry>();
  private consumerLag?: number;
  private readonly runs: Counter<'job' | 'tenant' | 'outcome'>;
  private readonly errors: Counter<'job' | 'tenant'>;
  private readonly lastRun: Gauge<'job' | 'tenant'>;
  private readonly lastSuccess: Gauge<'job' | 'tenant'>;
  private readonly lag: Gauge<'job' | 'tenant'>;

  constructor(
    private readonly clock: Clock,
    metrics: Metrics,
  ) {
    const registers = [metrics.registry];
    const labelNames = ['job', 'tenant'] as const;
    this.runs = new Counter({ name: 'stadtdaten_analytics_job_runs_total', help: 'Analytics job runs, by job, tenant and outcome (succeeded, failed)', labelNames: [...labelNames, 'outcome'], registers });
    this.errors = new Counter({ name: 'stadtdaten_analytics_job_errors_total', help: 'Errors of analytics jobs (failed runs and failed items within a run), by job and tenant', labelNames, registers });
    this.lastRun = new Gauge({ name: 'stadtdaten_analytics_job_last_run_timestamp_seconds', help: 'End of the last run of an analytics job, by job and tenant', labelNames, registers });
    this.lastSuccess = new Gauge({ name: 'stadtdaten_analytics_job_last_success_timestamp_seconds', help: 'End of the last successful run of an analytics job, by job and tenant', labelNames, registers });
    this.lag = new Gauge({
      name: 'stadtdaten_analytics_job_lag_seconds',
      help: 'How long consumed readings wait for their rollups, by job and tenant (scheduled jobs: use the last success timestamp)',
      labelNames,
      registers,
    });
  }

  register(definition: JobDefinition): void {
    this.jobs.set(definition.name, { definition, running: 0, tenants: new Map() });
  }

  /** Runs `work` as one run of the job for the tenant and records its outcome; rethrows nothing. */
  async track(job: string, tenant: string, work: () => Promise<Record<string, number> | void>): Promise<boolean> {
    const entry = this.entry(job);
    const startedAtMs = this.clock.now();
    entry.running += 1;
    try {
      const counts = await work();
      this.finish(job, tenant, startedAtMs, undefined, counts ?? undefined);

      return true;
    } catch (error) {
      this.finish(job, tenant, startedAtMs, error, undefined);

      return false;
    } finally {
      entry.running -= 1;
    }
  }

  /** Records an error of one item (a datastream, a device) in a run that goes on. */
  recordError(job: string, tenant: string, error: unknown): void {
    const status = this.tenantStatus(job, tenant);
    status.errors += 1;
    status.recentErrors = [toJobError(error, this.clock.now()), ...status.recentErrors].slice(0, KEPT_ERRORS);
    this.errors.inc({ job, tenant });
  }

  setLag(job: string, tenant: string, lagMs: number): void {
    this.tenantStatus(job, tenant).lagMs = Math.max(0, Math.round(lagMs));
    this.lag.set({ job, tenant }, Math.max(0, lagMs) / 1000);
  }

  setNextRun(job: string, nextRunMs: number | undefined): void {
    this.entry(job).nextRunMs = nextRunMs;
  }

  setConsumerLag(records: number): void {
    this.consumerLag = records;
  }

  /** Lists every job with the status of each tenant it ran for; `tenant` limits the tenants shown. */
  list(tenant?: string): JobStatus[] {
    return [...this.jobs.values()].map((entry) => {
      const consumes = entry.definition.kind === 'rollup' || entry.definition.kind === 'quality';

      const everyMs = 'every' in entry.definition.trigger ? entry.definition.trigger.every : undefined;

      return {
        name: entry.definition.name,
        kind: entry.definition.kind,
        trigger: 'every' in entry.definition.trigger ? `every ${formatDuration(entry.definition.trigger.every)}` : 'on observations',
        running: entry.running > 0,
        nextRunAt: entry.nextRunMs === undefined ? undefined : new Date(entry.nextRunMs).toISOString(),
        consumerLag: consumes ? this.consumerLag : undefined,
        tenants: [...entry.tenants.values()]
          .filter((status) => tenant === undefined || status.tenant === tenant)
          .map((status) => ({ ...status, lagMs: everyMs === undefined ? status.lagMs : this.scheduleLag(status, everyMs) })),
      };
    });
  }

  /** Returns how far a scheduled job is behind its schedule: the time since the last success beyond one interval. */
  private scheduleLag(status: JobTenantStatus, everyMs: number): number | undefined {
    if (status.lastSuccessAt === undefined) {
      return undefined;
    }

    return Math.max(0, this.clock.now() - Date.parse(status.lastSuccessAt) - everyMs);
  }

  private finish(job: string, tenant: string, startedAtMs: number, error: unknown, counts: Record<string, number> | undefined): void {
    const endedAtMs = this.clock.now();
    const status = this.tenantStatus(job, tenant);
    status.runs += 1;
    status.lastRunAt = new Date(endedAtMs).toISOString();
    status.lastDurationMs = endedAtMs - startedAtMs;
    this.lastRun.set({ job, tenant }, endedAtMs / 1000);
    if (error === undefined) {
      status.lastSuccessAt = status.lastRunAt;
      status.lastRun = counts;
      this.lastSuccess.set({ job, tenant }, endedAtMs / 1000);
      this.runs.inc({ job, tenant, outcome: 'succeeded' });

      return;
    }
    status.failedRuns += 1;
    this.runs.inc({ job, tenant, outcome: 'failed' });
    this.recordError(job, tenant, error);
  }

  private entry(job: string): JobEntry {
    const entry = this.jobs.get(job);
    if (entry === undefined) {
      throw new Error(`analytics job "${job}" is not registered`);
    }

    return entry;
  }

  private tenantStatus(job: string, tenant: string): JobTenantStatus {
    const entry = this.entry(job);
    let status = entry.tenants.get(tenant);
    if (status === undefined) {
      status = { tenant, runs: 0, failedRuns: 0, errors: 0, recentErrors: [] };
      entry.tenants.set(tenant, status);
    }

    return status;
  }
}

function toJobError(error: unknown, atMs: number): JobError {
  const code = error instanceof AppError ? error.code : 'INTERNAL';
  const message = error instanceof Error ? error.message : String(error);

  return { at: new Date(atMs).toISOString(), code, message };
}
