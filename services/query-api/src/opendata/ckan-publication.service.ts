import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppError, ErrorCode } from '@stadtdaten/contracts';
import { CkanClient, CkanPublisher, OpenDataSettings, type PublicationRun, type PublicationState, PublicationStore } from '@stadtdaten/opendata';
import { type Logger, Metrics, ProcessLogger } from '@stadtdaten/observability';
import { RegistryService } from '@stadtdaten/registry';
import { Counter, Gauge } from 'prom-client';
import { DcatCatalogService } from './dcat-catalog.service';

/** Response of GET /api/v1/opendata/publication. */
export interface PublicationReport {
  enabled: boolean;
  portal?: string;
  organization?: string;
  intervalMs?: number;
  running: boolean;
  lastRun?: PublicationRun;
  datasets: PublicationState[];
}

/** Dataset ids named in the one error or withdrawal line of a run; the rest are counted. */
const LOGGED_IDS = 10;

/**
 * Publishes the catalog's datasets to the configured CKAN portal: once after start, on the
 * configured interval, and shortly after each registry change through this process. Runs
 * never overlap; a trigger during a run starts one more run afterwards.
 */
@Injectable()
export class CkanPublicationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly publisher?: CkanPublisher;
  private readonly log: Logger;
  private readonly datasetsGauge: Gauge<'state'>;
  private readonly requests: Counter<'action' | 'outcome'>;
  private readonly runs: Counter<'outcome'>;
  private interval?: NodeJS.Timeout;
  private changeTimer?: NodeJS.Timeout;
  private stopListening?: () => void;
  private running?: Promise<void>;
  private rerun = false;
  private stopping = false;

  constructor(
    private readonly settings: OpenDataSettings,
    private readonly catalog: DcatCatalogService,
    private readonly registry: RegistryService,
    store: PublicationStore,
    logger: ProcessLogger,
    metrics: Metrics,
  ) {
    this.log = logger.child({ component: 'ckan-publisher' });
    this.datasetsGauge = new Gauge({
      name: 'stadtdaten_opendata_datasets',
      help: 'Datasets of the open-data catalog by CKAN publication state (published, pending, failed, withdrawn)',
      labelNames: ['state'] as const,
      registers: [metrics.registry],
    });
    this.requests = new Counter({
      name: 'stadtdaten_ckan_requests_total',
      help: 'Calls of the CKAN Action API by action and outcome (ok, failed); retries count as calls',
      labelNames: ['action', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.runs = new Counter({
      name: 'stadtdaten_ckan_runs_total',
      help: 'Publication runs by outcome: succeeded, or failed when at least one dataset failed',
      labelNames: ['outcome'] as const,
      registers: [metrics.registry],
    });
    const ckan = settings.ckan;
    if (ckan !== undefined && settings.baseUrl === undefined) {
      throw new AppError(ErrorCode.INVALID_CONFIG, 'STADTDATEN_OPENDATA_BASE_URL is not set: the CKAN publisher needs the public URL of the platform for the links it publishes');
    }
    if (ckan !== undefined) {
      const client = new CkanClient({
        url: ckan.url,
        apiKey: ckan.apiKey,
        attempts: settings.ckanAttempts,
        retryBaseMs: settings.ckanRetryBaseMs,
        timeoutMs: settings.ckanRequestTimeoutMs,
        onCall: ({ action, ok }) => this.requests.inc({ action, outcome: ok ? 'ok' : 'failed' }),
        onRetry: ({ action, attempt, delayMs, error }) =>
          this.log.warn({ action, attempt, delayMs, status: error.status, err: error.message }, 'CKAN call retried'),
      });
      this.publisher = new CkanPublisher(client, store, settings, ckan.organization, settings.baseUrl!);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    const ckan = this.settings.ckan;
    if (ckan === undefined) {
      return;
    }
    try {
      await this.publisher!.load();
      this.updateGauge();
    } catch (error) {
      this.log.error({ err: error }, 'CKAN publication state could not be loaded, so the first run loads it again');
    }
    this.log.info({ portal: ckan.url, organization: ckan.organization, intervalMs: ckan.intervalMs }, 'CKAN publisher started');
    this.interval = setInterval(() => this.trigger('schedule'), ckan.intervalMs);
    this.interval.unref();
    this.stopListening = this.registry.onChange(() => this.triggerSoon());
    this.triggerSoon();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.interval);
    clearTimeout(this.changeTimer);
    this.stopListening?.();
    await this.running;
    if (this.publisher !== undefined) {
      this.log.info('CKAN publisher stopped');
    }
  }

  report(): PublicationReport {
    const ckan = this.settings.ckan;
    if (ckan === undefined || this.publisher === undefined) {
      return { enabled: false, running: false, datasets: [] };
    }
    const { datasets, lastRun } = this.publisher.publication();

    return { enabled: true, portal: ckan.url, organization: ckan.organization, intervalMs: ckan.intervalMs, running: this.running !== undefined, lastRun, datasets };
  }

  /** Starts a run now, or one more after the current run. Returns false when no portal is configured. */
  trigger(reason: string): boolean {
    if (this.publisher === undefined || this.stopping) {
      return false;
    }
    if (this.running !== undefined) {
      this.rerun = true;

      return true;
    }
    this.running = this.run(reason).finally(() => {
      this.running = undefined;
      if (this.rerun && !this.stopping) {
        this.rerun = false;
        this.trigger('change during a run');
      }
    });

    return true;
  }

  private triggerSoon(): void {
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => this.trigger('registry change'), this.settings.ckanChangeDelayMs);
    this.changeTimer.unref();
  }

  private async run(reason: string): Promise<void> {
    const publisher = this.publisher!;
    try {
      const datasets = await this.catalog.datasets();
      await publisher.plan(datasets);
      this.updateGauge();
      this.log.info({ reason, datasets: datasets.length }, 'CKAN publication started');
      const run = await publisher.publish(datasets);
      this.runs.inc({ outcome: run.failed > 0 ? 'failed' : 'succeeded' });
      this.logRun(run);
    } catch (error) {
      this.runs.inc({ outcome: 'failed' });
      this.log.error({ err: error }, 'CKAN publication run failed; the next run tries again');
    } finally {
      this.updateGauge();
    }
  }

  private logRun(run: PublicationRun): void {
    const states = this.publisher!.publication().datasets;
    if (run.withdrawn > 0) {
      const withdrawn = states.filter((state) => state.state === 'withdrawn' && state.attemptedAt !== undefined && state.attemptedAt >= run.startedAt);
      this.log.info({ withdrawn: run.withdrawn, datasetIds: withdrawn.slice(0, LOGGED_IDS).map((state) => state.datasetId) }, 'CKAN packages withdrawn');
    }
    if (run.failed > 0) {
      const failed = states.filter((state) => state.state === 'failed');
      this.log.error(
        { failed: run.failed, published: run.published, datasetIds: failed.slice(0, LOGGED_IDS).map((state) => state.datasetId), err: failed[0]?.error },
        'CKAN publication failed for some datasets; the next run retries them',
      );
    } else {
      this.log.info({ published: run.published, withdrawn: run.withdrawn }, 'CKAN publication finished');
    }
  }

  private updateGauge(): void {
    const counts = { published: 0, pending: 0, failed: 0, withdrawn: 0 };
    for (const state of this.publisher?.publication().datasets ?? []) {
      counts[state.state] += 1;
    }
    for (const [state, count] of Object.entries(counts)) {
      this.datasetsGauge.set({ state }, count);
    }
  }
}
