import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  type MetricObjectWithValues,
  type MetricValue,
  Registry,
  collectDefaultMetrics,
} from 'prom-client';

/** Metrics of another part of the process (a worker thread), as prom-client's JSON form. */
export type MetricsSnapshot = MetricObjectWithValues<MetricValue<string>>[];

/**
 * The Prometheus metrics of one process. Services share one instance so that the
 * all-in-one runner exposes every service's metrics on one /metrics endpoint.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly messagesIn = new Counter({
    name: 'stadtdaten_messages_in_total',
    help: 'Messages received, by service and source',
    labelNames: ['service', 'source'] as const,
    registers: [this.registry],
  });

  readonly messagesOut = new Counter({
    name: 'stadtdaten_messages_out_total',
    help: 'Messages written onward, by service and kind',
    labelNames: ['service', 'kind'] as const,
    registers: [this.registry],
  });

  readonly rejected = new Counter({
    name: 'stadtdaten_rejected_total',
    help: 'Readings sent to the dead letter, by reason code',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly batchSize = new Histogram({
    name: 'stadtdaten_batch_size',
    help: 'Records per handled batch, by service',
    labelNames: ['service'] as const,
    buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
    registers: [this.registry],
  });

  readonly batchSeconds = new Histogram({
    name: 'stadtdaten_batch_duration_seconds',
    help: 'Time to handle one batch, by service',
    labelNames: ['service'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 5],
    registers: [this.registry],
  });

  readonly pipelineLatency = new Histogram({
    name: 'stadtdaten_pipeline_latency_seconds',
    help: 'Time from the gateway receiving a reading to the reading being stored, by store',
    labelNames: ['store'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });

  readonly consumerLag = new Gauge({
    name: 'stadtdaten_consumer_lag',
    help: 'Records appended but not yet committed, by consumer group',
    labelNames: ['group'] as const,
    registers: [this.registry],
  });

  readonly connectorRuns = new Counter({
    name: 'stadtdaten_connector_runs_total',
    help: 'Connector runs, by connector and outcome (succeeded, not-modified, failed)',
    labelNames: ['connector', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly connectorValues = new Counter({
    name: 'stadtdaten_connector_values_total',
    help: 'Values read by connectors, by connector and what became of them (published, dropped, dead_lettered, missing, deferred)',
    labelNames: ['connector', 'kind'] as const,
    registers: [this.registry],
  });

  readonly connectorLastSuccess = new Gauge({
    name: 'stadtdaten_connector_last_success_timestamp_seconds',
    help: 'End of the last run that succeeded or found the source unchanged, by connector',
    labelNames: ['connector'] as const,
    registers: [this.registry],
  });

  private readonly snapshots = new Map<string, MetricsSnapshot>();

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics ?? true) {
      collectDefaultMetrics({ register: this.registry, prefix: 'stadtdaten_' });
    }
  }

  /** Keeps the latest metrics of a worker thread, merged into `text()` (counters summed). */
  setSnapshot(source: string, snapshot: MetricsSnapshot): void {
    this.snapshots.set(source, snapshot);
  }

  /** Returns the Prometheus text of this registry merged with every snapshot. */
  async text(): Promise<string> {
    if (this.snapshots.size === 0) {
      return this.registry.metrics();
    }
    const own = (await this.registry.getMetricsAsJSON()) as MetricsSnapshot;

    return AggregatorRegistry.aggregate([own, ...this.snapshots.values()]).metrics();
  }
}
