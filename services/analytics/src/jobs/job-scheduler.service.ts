import { Inject, Injectable } from '@nestjs/common';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { AnalyticsSettings } from '../analytics-settings';
import type { JobDefinition } from '../definition/analytics-file.schema';
import { InputFilter } from '../definition/job-inputs';
import { SourceDirectory } from '../derived/source-directory.service';
import { JOB_RUNNERS, type JobRunner } from './job-runner';
import { JobTracker } from './job-tracker.service';

/**
 * Runs the jobs with an `every` trigger: first after AnalyticsTimings.initialDelayMs, then at
 * the interval measured from the end of the previous run, so a slow run never overlaps the
 * next one. Each run handles every tenant that the job's inputs accept, one after another; a
 * failed tenant is recorded and the others still run.
 */
@Injectable()
export class JobScheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly runners: Map<string, JobRunner>;
  private readonly running = new Map<string, Promise<void>>();
  private stopped = false;
  private readonly log: Logger;

  constructor(
    @Inject(JOB_RUNNERS) runners: JobRunner[],
    private readonly directory: SourceDirectory,
    private readonly tracker: JobTracker,
    private readonly settings: AnalyticsSettings,
    private readonly clock: Clock,
    logger: ProcessLogger,
  ) {
    this.runners = new Map(runners.map((runner) => [runner.kind, runner]));
    this.log = logger.child({ component: 'analytics-scheduler' });
  }

  start(definitions: JobDefinition[]): void {
    this.stopped = false;
    for (const definition of definitions) {
      if ('every' in definition.trigger && this.runners.has(definition.kind)) {
        this.plan(definition, this.settings.timings.initialDelayMs, definition.trigger.every);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }
    this.timers.clear();
  }

  /** Waits for the runs in progress; called at shutdown after stop(). */
  async idle(): Promise<void> {
    await Promise.all(this.running.values());
  }

  /** Runs a job now for every tenant its inputs accept, or waits for the run in progress. */
  runNow(definition: JobDefinition): Promise<void> {
    const runner = this.runners.get(definition.kind);
    if (runner === undefined) {
      throw new AppError(ErrorCode.VALIDATION_FAILED, `job "${definition.name}" of kind ${definition.kind} runs on observations, not on a schedule`);
    }
    const current = this.running.get(definition.name);
    if (current !== undefined) {
      return current;
    }
    const run = this.runAllTenants(runner, definition).finally(() => this.running.delete(definition.name));
    this.running.set(definition.name, run);

    return run;
  }

  private plan(definition: JobDefinition, delayMs: number, everyMs: number): void {
    if (this.stopped) {
      return;
    }
    const timer = setTimeout(() => {
      void this.runNow(definition)
        .catch((error: unknown) => this.log.error({ err: error, job: definition.name }, 'analytics job run failed'))
        .finally(() => this.plan(definition, everyMs, everyMs));
    }, delayMs);
    timer.unref();
    this.timers.set(definition.name, timer);
    this.tracker.setNextRun(definition.name, this.clock.now() + delayMs);
  }

  private async runAllTenants(runner: JobRunner, definition: JobDefinition): Promise<void> {
    const filter = new InputFilter(definition.inputs);
    const tenants = (await this.directory.tenants()).filter((tenant) => filter.acceptsTenant(tenant.id));
    for (const tenant of tenants) {
      const ok = await this.tracker.track(definition.name, tenant.id, () => runner.run(definition, tenant.id, this.clock.now()));
      if (!ok) {
        this.log.warn({ job: definition.name, tenant: tenant.id }, 'analytics job failed for a tenant');
      }
    }
  }
}
