import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import {
  type ConnectorDefinition,
  type ConnectorRunReport,
  ConnectorRunner,
  ConnectorScheduler,
  HttpFetcher,
  loadConnectorsFile,
} from '@stadtdaten/connectors';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { Metrics, ProcessLogger } from '@stadtdaten/observability';
import { ConnectorSettings } from './connector-settings';
import { IngestConnectorSink } from './ingest-connector.sink';
import { RegistryDeviceDirectory } from './registry-device.directory';

/** One connector as the status endpoint shows it. */
export interface ConnectorStatus {
  name: string;
  tenant: string;
  decoder: string;
  source: string;
  schedule?: string;
  nextRunAt?: string;
  running: boolean;
  lastRun?: ConnectorRunReport;
  lastSuccessAt?: string;
}

/**
 * Loads the connectors file at start, runs connectors on their schedule and on request, and
 * keeps each one's last run. A failed run is logged, counted and shown in the status; it
 * never stops the other connectors.
 */
@Injectable()
export class ConnectorsService implements OnApplicationBootstrap, OnModuleDestroy {
  private definitions = new Map<string, ConnectorDefinition>();
  private readonly reports = new Map<string, ConnectorRunReport>();
  private readonly lastSuccess = new Map<string, number>();
  private readonly runner: ConnectorRunner;
  private readonly scheduler: ConnectorScheduler;
  private readonly log;

  constructor(
    private readonly settings: ConnectorSettings,
    sink: IngestConnectorSink,
    directory: RegistryDeviceDirectory,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'connectors' });
    const fetcher = new HttpFetcher({
      onRetry: (attempt, delayMs, error) => this.log.warn({ attempt, delayMs, err: error.message }, 'connector fetch retried'),
    });
    this.runner = new ConnectorRunner(settings.decoders, sink, directory, clock, fetcher);
    this.scheduler = new ConnectorScheduler({
      runConnector: (definition) => this.run(definition.name, 'schedule').then(() => undefined),
      isRunning: (name) => this.runner.isRunning(name),
    });
  }

  onApplicationBootstrap(): void {
    if (this.settings.file === undefined) {
      return;
    }
    const definitions = loadConnectorsFile(this.settings.file, this.settings.decoders);
    this.definitions = new Map(definitions.map((definition) => [definition.name, definition]));
    this.log.info({ file: this.settings.file, connectors: definitions.length }, 'connectors loaded');
    if (this.settings.schedule) {
      this.scheduler.start(definitions);
    }
  }

  onModuleDestroy(): void {
    this.scheduler.stop();
  }

  decoderNames(): string[] {
    return this.runner.decoderNames();
  }

  list(tenant?: string): ConnectorStatus[] {
    const next = this.scheduler.nextRuns();

    return [...this.definitions.values()]
      .filter((definition) => tenant === undefined || definition.tenant === tenant)
      .map((definition) => this.status(definition, next.get(definition.name)));
  }

  get(name: string): ConnectorStatus {
    return this.status(this.definition(name), this.scheduler.nextRuns().get(name));
  }

  definition(name: string): ConnectorDefinition {
    const definition = this.definitions.get(name);
    if (definition === undefined) {
      throw new AppError(
        ErrorCode.NOT_FOUND,
        `no connector named "${name}"; GET /api/v1/connectors lists the configured ones`,
      );
    }

    return definition;
  }

  /** Runs a connector now and resolves with its report; rejects when it is running already. */
  run(name: string, trigger: ConnectorRunReport['trigger']): Promise<ConnectorRunReport> {
    const definition = this.definition(name);
    if (this.runner.isRunning(name)) {
      throw new AppError(ErrorCode.CONFLICT, `connector "${name}" is running already; wait until it ends`);
    }

    return this.runner
      .run(definition, { trigger, onProgress: (report) => this.reports.set(name, { ...report }) })
      .then((report) => this.finish(report));
  }

  private finish(report: ConnectorRunReport): ConnectorRunReport {
    this.reports.set(report.connector, report);
    const labels = { connector: report.connector };
    this.metrics.connectorRuns.inc({ ...labels, outcome: report.outcome });
    this.metrics.connectorValues.inc({ ...labels, kind: 'published' }, report.published);
    this.metrics.connectorValues.inc({ ...labels, kind: 'dropped' }, report.dropped);
    this.metrics.connectorValues.inc({ ...labels, kind: 'dead_lettered' }, report.deadLettered);
    this.metrics.connectorValues.inc({ ...labels, kind: 'missing' }, report.missing);
    this.metrics.connectorValues.inc({ ...labels, kind: 'deferred' }, report.deferred);
    if (report.outcome === 'failed') {
      this.log.warn({ connector: report.connector, err: report.error }, 'connector run failed');
    } else {
      this.lastSuccess.set(report.connector, report.finishedAtMs ?? this.clock.now());
      this.metrics.connectorLastSuccess.set(labels, (report.finishedAtMs ?? this.clock.now()) / 1000);
      this.log.info(
        { connector: report.connector, outcome: report.outcome, published: report.published, deadLettered: report.deadLettered },
        'connector run finished',
      );
    }

    return report;
  }

  private status(definition: ConnectorDefinition, nextRunMs?: number): ConnectorStatus {
    const source = definition.source;
    const schedule = definition.schedule;
    const lastSuccess = this.lastSuccess.get(definition.name);

    return {
      name: definition.name,
      tenant: definition.tenant,
      decoder: definition.decoder,
      source: source.url ?? source.file ?? `${source.folder}/${source.pattern ?? '*'}`,
      schedule: schedule === undefined ? undefined : 'every' in schedule ? `every ${schedule.every}` : `cron ${schedule.cron}`,
      nextRunAt: nextRunMs === undefined ? undefined : new Date(nextRunMs).toISOString(),
      running: this.runner.isRunning(definition.name),
      lastRun: this.reports.get(definition.name),
      lastSuccessAt: lastSuccess === undefined ? undefined : new Date(lastSuccess).toISOString(),
    };
  }
}
