import { Injectable } from '@nestjs/common';
import { requireRoles, requireTenant } from '@stadtdaten/auth';
import {
  AppError,
  Clock,
  ErrorCode,
  TopicKind,
  createRawMessage,
  encodeRawMessage,
  newMessageId,
  topicName,
} from '@stadtdaten/contracts';
import { RejectionStore } from '@stadtdaten/dead-letter';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';
import { EventLog } from '@stadtdaten/event-log';
import type { DatastreamDto } from '@stadtdaten/registry';
import { parseDateTime } from '@stadtdaten/sensorthings';
import { observationKey } from './observation-cursor';
import { ObservationStoreReader } from './observation-store.reader';
import { SensorThingsSettings } from './sensorthings-settings';
import { type Body, invalidBody, objectOf, referenceOf, requireOnly } from './sta-catalog-mapping';
import { STA_PREFIX, type StaContext } from './sta-context';

/** An observation to create, as sent in a POST body or a CreateObservations row. */
export interface ObservationInput {
  datastream: DatastreamDto;
  body: Body;
}

/** Outcome of one observation: stored, rejected by the validator, or still in the pipeline when the wait ended. */
export interface IngestOutcome {
  key: string;
  status: 'stored' | 'rejected' | 'pending';
  reasonCode?: string;
  detail?: string;
}

/** Members of a JSON reading that the json decoder reads as its time, so no field may have these names. */
const TIME_MEMBERS = ['time', 'timestamp', 'ts'];
/** Readings per raw message, well below the validator's payload limit. */
const READINGS_PER_MESSAGE = 500;

interface PlannedReading {
  key: string;
  datastream: DatastreamDto;
  timeMs: number;
  reading: Record<string, unknown>;
}

interface SentMessage {
  deviceId: string;
  receivedAtMs: number;
  payloadBase64: string;
  readings: PlannedReading[];
}

/**
 * Creates observations through the same path as every other reading: it appends a JSON
 * payload per device to the tenant's raw topic, where the validator checks, signs and routes
 * it and the storage writer stores it. It then waits (up to the configured time) until each
 * observation is stored or in the dead letter, so the client learns the outcome.
 */
@Injectable()
export class ObservationIngestService {
  private readonly tenantsWithTopics = new Set<string>();
  private readonly log: Logger;

  constructor(
    private readonly eventLog: EventLog,
    private readonly reader: ObservationStoreReader,
    private readonly rejections: RejectionStore,
    private readonly clock: Clock,
    private readonly settings: SensorThingsSettings,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'sensorthings-ingest' });
  }

  /** Checks that the caller may create observations in the tenant: a device or tenant-admin token of it. */
  authorize(context: StaContext): void {
    requireRoles(requireTenant(context.principal, context.tenant), ['device', 'tenant-admin']);
  }

  /** Validates every input first, so that a bad one fails the request before anything is sent. */
  plan(context: StaContext, inputs: ObservationInput[]): PlannedReading[] {
    return inputs.map((input) => planReading(context, input));
  }

  async ingest(context: StaContext, readings: PlannedReading[]): Promise<IngestOutcome[]> {
    const messages = await this.send(context, readings);
    const outcomes = new Map<string, IngestOutcome>();
    const deadline = this.clock.now() + this.settings.writeWaitMs;
    while (this.clock.now() < deadline) {
      await this.collectOutcomes(context, messages, outcomes);
      if (outcomes.size === readings.length) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, this.settings.writePollMs));
    }

    const pending = readings.length - outcomes.size;
    if (pending > 0) {
      this.log.warn(
        { tenant: context.tenant, pending, waitMs: this.settings.writeWaitMs },
        'observations still in the pipeline after the wait',
      );
    }

    return readings.map((reading) => outcomes.get(reading.key) ?? { key: reading.key, status: 'pending' });
  }

  private async send(context: StaContext, readings: PlannedReading[]): Promise<SentMessage[]> {
    await this.ensureTopics(context.tenant);
    const byDevice = new Map<string, PlannedReading[]>();
    for (const reading of readings) {
      byDevice.set(reading.datastream.deviceId, [
        ...(byDevice.get(reading.datastream.deviceId) ?? []),
        reading,
      ]);
    }
    const messages: SentMessage[] = [];
    for (const [deviceId, deviceReadings] of byDevice) {
      for (let start = 0; start < deviceReadings.length; start += READINGS_PER_MESSAGE) {
        const chunk = deviceReadings.slice(start, start + READINGS_PER_MESSAGE);
        const payload = Buffer.from(JSON.stringify(chunk.map((reading) => reading.reading)));
        const receivedAtMs = this.clock.now();
        const raw = createRawMessage({
          id: newMessageId(),
          tenant: context.tenant,
          sourceProtocol: 'http',
          topic: `${STA_PREFIX}/tenants/${context.tenant}/Observations`,
          clientId: context.principal?.subject ?? '',
          receivedAtMs,
          contentType: 'application/json',
          format: 'json',
          deviceId,
          payload,
        });
        await this.eventLog.append(topicName(context.tenant, TopicKind.RAW), [
          { key: deviceId, value: encodeRawMessage(raw) },
        ]);
        messages.push({ deviceId, receivedAtMs, payloadBase64: payload.toString('base64'), readings: chunk });
      }
    }

    return messages;
  }

  private async collectOutcomes(
    context: StaContext,
    messages: SentMessage[],
    outcomes: Map<string, IngestOutcome>,
  ): Promise<void> {
    for (const message of messages) {
      const open = message.readings.filter((reading) => !outcomes.has(reading.key));
      if (open.length === 0) {
        continue;
      }
      const { items } = await this.rejections.list({
        tenant: context.tenant,
        deviceId: message.deviceId,
        fromMs: message.receivedAtMs,
        toMs: message.receivedAtMs + 1,
        limit: READINGS_PER_MESSAGE + 1,
      });
      for (const rejection of items.filter((item) => item.payloadBase64 === message.payloadBase64)) {
        const affected =
          rejection.entryIndex < 0
            ? message.readings
            : [message.readings[rejection.entryIndex]].filter(Boolean);
        for (const reading of affected) {
          outcomes.set(reading.key, {
            key: reading.key,
            status: 'rejected',
            reasonCode: rejection.reasonCode,
            detail: rejection.detail,
          });
        }
      }
      for (const reading of open.filter((candidate) => !outcomes.has(candidate.key))) {
        const [row] = await this.reader.query(
          reading.datastream,
          reading.timeMs,
          reading.timeMs + 1,
          1,
          'asc',
        );
        if (row !== undefined && row.receivedAtMs === message.receivedAtMs) {
          outcomes.set(reading.key, { key: reading.key, status: 'stored' });
        }
      }
    }
  }

  private async ensureTopics(tenant: string): Promise<void> {
    if (this.tenantsWithTopics.has(tenant)) {
      return;
    }
    const kinds = [
      TopicKind.RAW,
      TopicKind.OBSERVATIONS,
      TopicKind.PERSONAL,
      TopicKind.DERIVED,
      TopicKind.REJECTED,
    ];
    await this.eventLog.ensureTopics(kinds.map((kind) => topicName(tenant, kind)));
    this.tenantsWithTopics.add(tenant);
  }
}

function planReading(context: StaContext, input: ObservationInput): PlannedReading {
  const { body, datastream } = input;
  requireOnly(
    body,
    ['phenomenonTime', 'resultTime', 'result', 'FeatureOfInterest', 'Datastream'],
    'a new Observation',
    'the pipeline sets resultQuality, and validTime and parameters have no place in the store',
  );
  if (body.result === undefined) {
    throw invalidBody('an Observation needs a "result"');
  }
  const timeMs =
    body.phenomenonTime === undefined || body.phenomenonTime === null
      ? context.nowMs
      : instantOf(body.phenomenonTime, 'phenomenonTime');
  if (
    body.resultTime !== undefined &&
    body.resultTime !== null &&
    instantOf(body.resultTime, 'resultTime') !== timeMs
  ) {
    throw invalidBody(
      'resultTime must equal phenomenonTime or be left out, because the store keeps the phenomenon time as the result time',
    );
  }
  if (
    body.FeatureOfInterest !== undefined &&
    referenceOf(objectOf(body.FeatureOfInterest, 'Observation "FeatureOfInterest"')) !== datastream.thingId
  ) {
    throw invalidBody(
      `the FeatureOfInterest of Datastream "${datastream.id}" is its Thing's location: leave it out or give {"@iot.id": "${datastream.thingId}"}`,
    );
  }
  // NOTE: a field named time, timestamp or ts cannot be sent as JSON, because the json decoder reads that member as the time.
  if (TIME_MEMBERS.includes(datastream.field)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `Datastream "${datastream.id}" reads field "${datastream.field}", which JSON readings use for the time; send its readings through /api/v1/ingest as SenML`,
    );
  }

  return {
    key: observationKey(datastream.id, timeMs),
    datastream,
    timeMs,
    reading: { time: new Date(timeMs).toISOString(), [datastream.field]: body.result },
  };
}

function instantOf(value: unknown, what: string): number {
  const instant = typeof value === 'string' ? parseDateTime(value) : undefined;
  if (instant === undefined) {
    throw invalidBody(
      `${what} ${JSON.stringify(value)} must be an ISO 8601 instant with a zone, e.g. 2026-03-01T10:00:00Z; intervals are not stored`,
    );
  }

  return instant.ms;
}
