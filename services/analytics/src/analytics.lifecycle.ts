import { type BeforeApplicationShutdown, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { AnalyticsSettings } from './analytics-settings';
import { AnalyticsConsumer } from './consumer/analytics.consumer';
import { JobScheduler } from './jobs/job-scheduler.service';
import { JobTracker } from './jobs/job-tracker.service';
import { QualityService } from './quality/quality.service';
import { StatusPublisher } from './quality/status-publisher.service';
import { RollupService } from './rollups/rollup.service';

/**
 * Starts the analytics jobs once every port is ready, and stops them before the ports close:
 * the scheduler first, then the consumer (which commits what it handled), then a last rollup
 * flush.
 */
@Injectable()
export class AnalyticsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private flushTimer?: NodeJS.Timeout;
  private started = false;
  private readonly log: Logger;

  constructor(
    private readonly settings: AnalyticsSettings,
    private readonly tracker: JobTracker,
    private readonly rollups: RollupService,
    private readonly quality: QualityService,
    private readonly publisher: StatusPublisher,
    private readonly consumer: AnalyticsConsumer,
    private readonly scheduler: JobScheduler,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'analytics' });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { jobs } = this.settings.definition;
    if (!this.settings.enabled) {
      this.log.info('analytics jobs disabled');

      return;
    }
    jobs.forEach((job) => this.tracker.register(job));
    for (const job of jobs) {
      if (job.kind === 'rollup') {
        this.rollups.configure(job);
        this.planFlush(job.parameters.flushEvery);
      } else if (job.kind === 'quality') {
        this.quality.configure(job);
      }
    }
    this.publisher.start();
    await this.consumer.start();
    this.scheduler.start(jobs);
    this.started = true;
    this.log.info({ jobs: jobs.map((job) => job.name), webhooks: this.settings.definition.webhooks.length, mqtt: this.publisher.mqtt.route }, 'analytics jobs started');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.started) {
      return;
    }
    this.started = false;
    clearTimeout(this.flushTimer);
    this.scheduler.stop();
    await this.consumer.stop();
    await this.scheduler.idle();
    await this.rollups.flush().catch((error: unknown) => this.log.warn({ err: error }, 'last rollup flush failed'));
    this.log.info('analytics jobs stopped');
  }

  private planFlush(everyMs: number): void {
    this.flushTimer = setTimeout(() => {
      void this.rollups
        .flush()
        .catch((error: unknown) => this.log.error({ err: error }, 'rollup flush failed'))
        .finally(() => {
          if (this.started) {
            this.planFlush(everyMs);
          }
        });
    }, everyMs);
    this.flushTimer.unref();
  }
}
