import { Injectable } from '@nestjs/common';
import { Metrics } from '@stadtdaten/observability';
import { Counter, Gauge } from 'prom-client';

/** Reason why an observation did not reach an MQTT subscriber. */
export type StaMqttDropReason =
  /** The publish queue was full, because publishing fell behind the stored observations. */
  | 'queue_full'
  /** The observation did not appear in the store within the wait. */
  | 'not_stored'
  /** The observation was stored longer ago than the age limit, e.g. after a restart. */
  | 'stale'
  /** The broker connection was down or rejected the message. */
  | 'broker_unavailable'
  /** One subscriber's connection had not yet sent the earlier messages. Counted per subscriber. */
  | 'subscriber_backlog';

/** Prometheus metrics of the SensorThings MQTT publisher, on the process's /metrics. */
@Injectable()
export class StaMqttMetrics {
  readonly published: Counter<string>;
  readonly dropped: Counter<'reason'>;
  readonly queueLength: Gauge<string>;

  constructor(metrics: Metrics) {
    this.published = new Counter({
      name: 'stadtdaten_sta_mqtt_published_total',
      help: 'SensorThings observation messages handed to the MQTT broker, one per topic',
      registers: [metrics.registry],
    });
    this.dropped = new Counter({
      name: 'stadtdaten_sta_mqtt_dropped_total',
      help: 'SensorThings observation messages not delivered, by reason (queue_full, not_stored, stale, broker_unavailable, subscriber_backlog)',
      labelNames: ['reason'] as const,
      registers: [metrics.registry],
    });
    this.queueLength = new Gauge({
      name: 'stadtdaten_sta_mqtt_queue_length',
      help: 'Observations waiting to be stored and published over MQTT',
      registers: [metrics.registry],
    });
  }

  drop(reason: StaMqttDropReason, count = 1): void {
    this.dropped.inc({ reason }, count);
  }
}
