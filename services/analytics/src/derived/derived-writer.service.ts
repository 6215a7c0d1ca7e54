import { Injectable } from '@nestjs/common';
import {
  Clock,
  type ResultValue,
  TopicKind,
  createObservation,
  encodeObservation,
  observationId,
  toResultCase,
  topicName,
} from '@stadtdaten/contracts';
import { EventLog, type LogRecord } from '@stadtdaten/event-log';
import { Metrics } from '@stadtdaten/observability';
import type { DerivedStream } from './derived-catalog';

/** One value of a derived datastream. */
export interface DerivedValue {
  stream: DerivedStream;
  phenomenonTimeMs: number;
  result: ResultValue;
  qualityFlags?: string[];
  /** Time the value refers to as known; defaults to the time of writing (a forecast's issue time). */
  resultTimeMs?: number;
}

/**
 * Appends derived values as Observation events to `stadtdaten.<tenant>.observations.derived`,
 * keyed by datastream id, where the storage writer stores them like validated observations.
 * Ids derive from tenant, datastream and phenomenon time, so a recomputed value replaces the
 * stored one.
 */
@Injectable()
export class DerivedWriter {
  private readonly knownTopics = new Set<string>();

  constructor(
    private readonly eventLog: EventLog,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  async write(values: DerivedValue[]): Promise<void> {
    const byTopic = new Map<string, LogRecord[]>();
    const nowMs = this.clock.now();
    for (const value of values) {
      const topic = topicName(value.stream.tenant, TopicKind.DERIVED);
      const records = byTopic.get(topic) ?? [];
      records.push({ key: value.stream.datastreamId, value: encodeObservation(toObservation(value, nowMs)) });
      byTopic.set(topic, records);
    }

    const newTopics = [...byTopic.keys()].filter((topic) => !this.knownTopics.has(topic));
    if (newTopics.length > 0) {
      await this.eventLog.ensureTopics(newTopics);
      newTopics.forEach((topic) => this.knownTopics.add(topic));
    }
    await Promise.all([...byTopic].map(([topic, records]) => this.eventLog.append(topic, records)));
    this.metrics.messagesOut.inc({ service: 'analytics', kind: TopicKind.DERIVED }, values.length);
  }
}

function toObservation(value: DerivedValue, nowMs: number) {
  const { stream } = value;
  const phenomenonTimeMs = Math.round(value.phenomenonTimeMs);

  return createObservation({
    id: observationId(stream.tenant, stream.datastreamId, phenomenonTimeMs),
    tenant: stream.tenant,
    datastreamId: stream.datastreamId,
    thingId: stream.thingId,
    deviceId: stream.deviceId,
    observedProperty: stream.observedProperty,
    unit: stream.unit,
    phenomenonTimeMs,
    resultTimeMs: Math.round(value.resultTimeMs ?? nowMs),
    receivedAtMs: nowMs,
    result: toResultCase(value.result),
    qualityFlags: value.qualityFlags ?? [],
    classification: stream.classification,
    storageProfile: stream.storageProfile,
  });
}
