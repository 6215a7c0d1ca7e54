import { Inject, Injectable } from '@nestjs/common';
import {
  Clock,
  type StoredObservation,
  decodeObservation,
  decodeRejection,
  fromResultCase,
} from '@stadtdaten/contracts';
import { RejectionStore, type StoredRejection } from '@stadtdaten/dead-letter';
import type { ConsumedRecord } from '@stadtdaten/event-log';
import { Metrics } from '@stadtdaten/observability';
import { PersonalTimeSeriesStore } from '@stadtdaten/runtime';
import { RetentionLookup } from './retention-lookup';
import { SignatureRecorder } from './signature.recorder';
import { TimeSeriesStore } from '@stadtdaten/timeseries';

/** Writes consumed observations and rejections to their stores; every write is idempotent. */
@Injectable()
export class StorageService {
  constructor(
    private readonly store: TimeSeriesStore,
    @Inject(PersonalTimeSeriesStore) private readonly personalStore: TimeSeriesStore,
    private readonly rejections: RejectionStore,
    private readonly metrics: Metrics,
    private readonly clock: Clock,
    private readonly retention: RetentionLookup,
    private readonly signatures: SignatureRecorder,
  ) {}

  /** Stores signed batches; a batch stored twice changes nothing. */
  async storeSignatures(records: ConsumedRecord[]): Promise<void> {
    await this.signatures.storeBatches(records);
  }

  async storeObservations(records: ConsumedRecord[], personal: boolean): Promise<void> {
    const decoded = records.map((record) => decodeObservation(record.value));
    const retention = new Map<string, number | null>();
    for (const observation of decoded) {
      const key = `${observation.tenant}\u0000${observation.datastreamId}`;
      if (!retention.has(key)) {
        retention.set(key, await this.retention.retentionDays(observation.tenant, observation.datastreamId));
      }
    }
    const observations: StoredObservation[] = decoded.map((observation) => {
      return {
        id: observation.id,
        tenant: observation.tenant,
        datastreamId: observation.datastreamId,
        phenomenonTimeMs: observation.phenomenonTimeMs,
        resultTimeMs: observation.resultTimeMs,
        receivedAtMs: observation.receivedAtMs,
        result: fromResultCase(observation.result),
        qualityFlags: observation.qualityFlags,
        storageProfile: observation.storageProfile,
        retentionDays: retention.get(`${observation.tenant}\u0000${observation.datastreamId}`) ?? null,
      };
    });

    await (personal ? this.personalStore : this.store).write(observations);
    await this.signatures.storeObservations(decoded);

    const storedAtMs = this.clock.now();
    const store = personal ? 'personal' : 'observations';
    for (const observation of observations) {
      this.metrics.pipelineLatency.observe({ store }, (storedAtMs - observation.receivedAtMs) / 1000);
    }
  }

  async storeRejections(records: ConsumedRecord[]): Promise<void> {
    const rejections: StoredRejection[] = records.map((record) => {
      const rejection = decodeRejection(record.value);
      const raw = rejection.raw;

      return {
        id: rejection.id,
        tenant: raw?.tenant ?? '',
        reasonCode: rejection.reasonCode,
        detail: rejection.detail,
        deviceId: raw?.deviceId ?? '',
        field: rejection.field,
        entryIndex: rejection.entryIndex,
        topic: raw?.topic ?? '',
        sourceProtocol: raw?.sourceProtocol ?? '',
        format: raw?.format ?? '',
        contentType: raw?.contentType ?? '',
        receivedAtMs: raw?.receivedAtMs ?? rejection.rejectedAtMs,
        rejectedAtMs: rejection.rejectedAtMs,
        payloadBase64: Buffer.from(raw?.payload ?? new Uint8Array()).toString('base64'),
        validatorVersion: rejection.validatorVersion,
      };
    });

    await this.rejections.write(rejections);
  }
}
