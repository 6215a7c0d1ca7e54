import type { CanonicalObservation } from './canonical-observation.encoder';
import type { InclusionProof, SignedBatch } from './signed-batch';

/** One signed batch as the validator publishes it on the tenant's signatures topic. */
export interface SignatureBatchEvent {
  version: 1;
  tenant: string;
  batch: SignedBatch;
  /** Leaf hashes in batch order, base64url. */
  leafHashes: string[];
  /** The signed fields of each leaf, with the observation's id, in batch order. */
  leaves: Array<{ observationId: string; observation: CanonicalObservation }>;
}

/** What the proof endpoint returns for one observation. */
export interface ObservationProof {
  observationId: string;
  observation: CanonicalObservation;
  proof: InclusionProof;
  batch: SignedBatch;
}

/**
 * Signed batches and, per observation, the batch and leaf that signed its latest version.
 * Proofs are rebuilt from the batch's leaf hashes on request.
 */
export abstract class SignatureStore {
  abstract connect(): Promise<void>;
  /** Stores a batch and points each of its observations at it; storing it twice changes nothing. */
  abstract save(event: SignatureBatchEvent): Promise<void>;
  abstract proof(observationId: string): Promise<ObservationProof | undefined>;
  /** Deletes the signed fields kept for the observations of these datastreams; batches keep only hashes. */
  abstract forgetDatastreams(tenant: string, datastreamIds: readonly string[]): Promise<number>;
  /** Signed batches of a tenant in creation order, for exports; `afterBatchId` pages. */
  abstract batches(tenant: string, options?: { afterCreatedAtMs?: number; limit?: number }): Promise<SignedBatch[]>;
  abstract isHealthy(): Promise<boolean>;
  abstract close(): Promise<void>;
}
