import { Injectable } from '@nestjs/common';
import {
  Clock,
  type RawMessage,
  RejectionCode,
  TopicKind,
  createRawMessage,
  createRejection,
  encodeRawMessage,
  encodeRejection,
  newMessageId,
  rejectionId,
  topicName,
} from '@stadtdaten/contracts';
import { EventLog } from '@stadtdaten/event-log';
import { EnvelopeCipher, rawPayloadContext } from '@stadtdaten/keys';
import { RegistryService } from '@stadtdaten/registry';
import { Metrics } from '@stadtdaten/observability';
import { IngestSettings } from './ingest-settings';

export interface IncomingPayload {
  tenant: string;
  deviceId: string;
  sourceProtocol: 'mqtt' | 'http' | 'connector';
  topic: string;
  clientId: string;
  certificateSubject?: string;
  contentType?: string;
  /** Decoder named by the topic, content type or connector; empty uses the device type's format. */
  format?: string;
  payload: Uint8Array;
  traceParent?: string;
}

/**
 * Writes every incoming payload to its tenant's raw topic. The returned promise resolves
 * only after the event log made the message durable, so the edge can acknowledge then.
 */
@Injectable()
export class IngestService {
  private readonly knownTenants = new Set<string>();

  constructor(
    private readonly eventLog: EventLog,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
    private readonly settings: IngestSettings,
    private readonly registry: RegistryService,
    private readonly cipher: EnvelopeCipher,
  ) {}

  async accept(incoming: IncomingPayload): Promise<string> {
    await this.ensureTenantTopics(incoming.tenant);
    const raw = this.toRawMessage(incoming);
    await this.protectPersonal(raw);

    if (incoming.payload.byteLength > this.settings.maxPayloadBytes) {
      // An oversized personal payload is stored truncated and still encrypted.
      await this.rejectOversized(raw);
    } else {
      await this.eventLog.append(topicName(incoming.tenant, TopicKind.RAW), [
        { key: incoming.deviceId, value: encodeRawMessage(raw) },
      ]);
    }
    this.metrics.messagesIn.inc({ service: 'ingest-gateway', source: incoming.sourceProtocol });

    return raw.id;
  }

  /**
   * Dead-letters a value that never became a raw message, because its source could not be
   * decoded or mapped (connectors): the payload holds the value as read from the source.
   */
  async rejectAtSource(incoming: IncomingPayload, reasonCode: RejectionCode, detail: string, field = ''): Promise<void> {
    await this.ensureTenantTopics(incoming.tenant);
    const raw = this.toRawMessage(incoming);
    const rejection = createRejection({
      id: rejectionId(raw, -1, field),
      raw,
      reasonCode,
      detail,
      validatorVersion: this.settings.version,
      rejectedAtMs: this.clock.now(),
      entryIndex: -1,
      field,
    });
    this.metrics.rejected.inc({ reason: reasonCode });
    await this.eventLog.append(topicName(raw.tenant, TopicKind.REJECTED), [
      { key: raw.deviceId, value: encodeRejection(rejection) },
    ]);
  }

  /**
   * Encrypts the payload of a device with personal datastreams before it reaches the raw
   * topic, so that no topic, store or dead-letter entry holds personal readings in clear.
   * The validator decrypts it with the same tenant key.
   */
  private async protectPersonal(raw: RawMessage): Promise<void> {
    const device = await this.registry.getDeviceContext(raw.tenant, raw.deviceId);
    if (device === undefined || !device.datastreams.some((binding) => binding.classification === 'personal')) {
      return;
    }
    const envelope = await this.cipher.encrypt(
      raw.tenant,
      Buffer.from(raw.payload).toString('base64'),
      rawPayloadContext(raw.deviceId, raw.id),
    );
    raw.payload = Buffer.from(envelope);
  }

  private toRawMessage(incoming: IncomingPayload): RawMessage {
    return createRawMessage({
      id: newMessageId(),
      tenant: incoming.tenant,
      sourceProtocol: incoming.sourceProtocol,
      topic: incoming.topic,
      clientId: incoming.clientId,
      certificateSubject: incoming.certificateSubject ?? '',
      receivedAtMs: this.clock.now(),
      contentType: incoming.contentType ?? '',
      format: incoming.format ?? '',
      deviceId: incoming.deviceId,
      payload: incoming.payload,
      traceParent: incoming.traceParent ?? '',
    });
  }

  /** Oversized payloads skip the raw topic and go straight to the dead letter, truncated to the limit. */
  private async rejectOversized(raw: RawMessage): Promise<void> {
    const size = raw.payload.byteLength;
    const limit = this.settings.maxPayloadBytes;
    const rejection = createRejection({
      id: rejectionId(raw, -1),
      raw: { ...raw, payload: raw.payload.subarray(0, limit) },
      reasonCode: RejectionCode.PAYLOAD_TOO_LARGE,
      detail: `payload of ${size} bytes exceeds the limit of ${limit} bytes (stored truncated); split it into smaller messages`,
      validatorVersion: this.settings.version,
      rejectedAtMs: this.clock.now(),
      entryIndex: -1,
    });
    this.metrics.rejected.inc({ reason: RejectionCode.PAYLOAD_TOO_LARGE });
    await this.eventLog.append(topicName(raw.tenant, TopicKind.REJECTED), [
      { key: raw.deviceId, value: encodeRejection(rejection) },
    ]);
  }

  private async ensureTenantTopics(tenant: string): Promise<void> {
    if (this.knownTenants.has(tenant)) {
      return;
    }
    const kinds = [
      TopicKind.RAW,
      TopicKind.OBSERVATIONS,
      TopicKind.PERSONAL,
      TopicKind.DERIVED,
      TopicKind.REJECTED,
      TopicKind.SIGNATURES,
    ];
    await this.eventLog.ensureTopics(kinds.map((kind) => topicName(tenant, kind)));
    this.knownTenants.add(tenant);
  }
}
