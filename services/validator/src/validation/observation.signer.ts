import { Injectable } from '@nestjs/common';
import { type Observation, TopicKind, topicName } from '@stadtdaten/contracts';
import type { LogRecord } from '@stadtdaten/event-log';
import { BatchSigner, encodeSignatureBatchEvent, signatureRef } from '@stadtdaten/integrity';
import { ValidatorSettings } from './validator-settings';

/** Largest signed batch: bounds the tree a proof is read from, and each signatures event to about 86 KB. */
export const MAX_SIGNED_BATCH = 1000;

/**
 * Signs the observations of one tenant from one consumed batch: a Merkle tree per chunk of
 * at most MAX_SIGNED_BATCH observations, its root signed with the platform's active key.
 * Sets each observation's signatureRef and returns the events for the signatures topic. An
 * event carries only the signed batch and the hashes of its tree, because each observation event
 * names its leaf in signatureRef and the storage writer takes the signed fields from there.
 */
@Injectable()
export class ObservationSigner {
  constructor(
    private readonly signer: BatchSigner,
    private readonly settings: ValidatorSettings,
  ) {}

  async sign(tenant: string, observations: Observation[]): Promise<{ topic: string; records: LogRecord[] }> {
    const records: LogRecord[] = [];
    if (!this.settings.signing) {
      return { topic: topicName(tenant, TopicKind.SIGNATURES), records };
    }
    for (let start = 0; start < observations.length; start += MAX_SIGNED_BATCH) {
      const chunk = observations.slice(start, start + MAX_SIGNED_BATCH);
      const { batch, tree } = await this.signer.sign(chunk, undefined, { proofs: false });
      chunk.forEach((observation, leafIndex) => {
        observation.signatureRef = signatureRef({ batchId: batch.batchId, leafIndex });
      });
      records.push({ key: batch.batchId, value: encodeSignatureBatchEvent(tenant, batch, tree) });
    }

    return { topic: topicName(tenant, TopicKind.SIGNATURES), records };
  }
}
