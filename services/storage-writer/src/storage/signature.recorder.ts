import { Injectable } from '@nestjs/common';
import type { Observation } from '@stadtdaten/contracts';
import type { ConsumedRecord } from '@stadtdaten/event-log';
import {
  IntegrityError,
  type SignatureBatchRecord,
  SignatureStore,
  type SignedObservation,
  decodeSignatureBatchEvent,
  signedObservationOf,
} from '@stadtdaten/integrity';
import { type Logger, ProcessLogger } from '@stadtdaten/observability';

/**
 * Fills the signature store from the event log: the signed batches from the signatures topics,
 * and from every signed observation event its signed fields and the leaf it names in
 * signatureRef. A proof is available once both have been stored, in either order.
 */
@Injectable()
export class SignatureRecorder {
  private readonly log: Logger;

  constructor(
    private readonly signatures: SignatureStore,
    logger: ProcessLogger,
  ) {
    this.log = logger.child({ component: 'signature-recorder' });
  }

  /**
   * Stores the batches of signatures-topic records; storing one twice changes nothing. A record
   * that is not a signatures event is logged and skipped, because delivering it again cannot fix it.
   */
  async storeBatches(records: readonly ConsumedRecord[]): Promise<void> {
    for (const record of records) {
      const batch = this.decode(record);
      if (batch !== undefined) {
        await this.signatures.saveBatch(batch);
      }
    }
  }

  /** Stores the signed fields and leaf of each observation that carries a signatureRef. */
  async storeObservations(observations: readonly Observation[]): Promise<void> {
    const signed: SignedObservation[] = [];
    for (const observation of observations) {
      try {
        const row = signedObservationOf(observation);
        if (row !== undefined) {
          signed.push(row);
        }
      } catch (error) {
        if (!(error instanceof IntegrityError)) {
          throw error;
        }
        this.log.error(
          { err: error, tenant: observation.tenant, observationId: observation.id, signatureRef: observation.signatureRef },
          'signed fields of observation not stored; its proof stays unavailable',
        );
      }
    }

    await this.signatures.saveObservations(signed);
  }

  private decode(record: ConsumedRecord): SignatureBatchRecord | undefined {
    try {
      return decodeSignatureBatchEvent(record.value);
    } catch (error) {
      if (!(error instanceof IntegrityError)) {
        throw error;
      }
      this.log.error({ err: error, topic: record.topic, partition: record.partition, offset: record.offset, key: record.key }, 'signatures record skipped');

      return undefined;
    }
  }
}
