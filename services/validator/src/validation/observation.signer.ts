import { Injectable } from '@nestjs/common';
import { type Observation, TopicKind, topicName } from '@stadtdaten/contracts';
import type { LogRecord } from '@stadtdaten/event-log';
import { BatchSigner, type SignatureBatchEvent, signatureRef } from '@stadtdaten/integrity';
import { ValidatorSettings } from './validator-settings';

/** Largest signed batch: keeps each signatures event well below Kafka's default 1 MB record limit. */
export const MAX_SIGNED_BATCH = 1000;

/**
 * Signs the observations of one tenant from one consumed batch: a Merkle tree per chunk of
 * at most MAX_SIGNED_BATCH observations, its root signed with the platform's active key.
 * Sets each observation's signatureRef and returns the events for the signatures topic.
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
      const { batch, leafHashes, canonical } = await this.signer.sign(chunk, undefined, { proofs: false });
      chunk.forEach((observation, leafIndex) => {
        observation.signatureRef = signatureRef({ batchId: batch.batchId, leafIndex });
      });
      const event: SignatureBatchEvent = {
        version: 1,
        tenant,
        batch,
        leafHashes: leafHashes.map((hash) => hash.toString('base64url')),
        leaves: chunk.map((observation, index) => ({ observationId: observation.id, observation: canonical[index]! })),
      };
      records.push({ key: batch.batchId, value: Buffer.from(JSON.stringify(event)) });
    }

    return { topic: topicName(tenant, TopicKind.SIGNATURES), records };
  }
}
