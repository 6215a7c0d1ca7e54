import type { CanonicalObservation } from './canonical-observation.encoder';
import type { SignatureBatchRecord, SignedObservation } from './signature-batch.event';
import type { InclusionProof, SignedBatch } from './signed-batch';

/** What the proof endpoint returns for one observation. */
export interface ObservationProof {
  observationId: string;
  observation: CanonicalObservation;
  proof: InclusionProof;
  batch: SignedBatch;
}

/**
 * Signed batches with their Merkle trees and, per observation, its signed fields and the leaf
 * that signs its latest version. A proof is read from the stored tree, so it needs no hashing.
 */
export abstract class SignatureStore {
  abstract connect(): Promise<void>;
  /**
   * Stores a batch and its tree; storing it twice changes nothing. The leaves of a version 1
   * event are stored only for observations that have no row yet, because the observation
   * events are the newer source of the signed fields.
   */
  abstract saveBatch(record: SignatureBatchRecord): Promise<void>;
  /**
   * Points each observation at the leaf that signed it. The last row of an observation id
   * wins, as the last write does in the time-series store, so the proof covers the stored version.
   */
  abstract saveObservations(observations: readonly SignedObservation[]): Promise<void>;
  /** Returns undefined until both the observation and its batch are stored. */
  abstract proof(observationId: string): Promise<ObservationProof | undefined>;
  /**
   * Returns the proofs of many observations in the order of `observationIds`, leaving out those
   * without one. Each batch's tree is read once per call, so an export page costs one query per
   * distinct batch.
   */
  abstract proofs(observationIds: readonly string[]): Promise<ObservationProof[]>;
  /** Deletes the signed fields kept for the observations of these datastreams; batches keep only hashes. */
  abstract forgetDatastreams(tenant: string, datastreamIds: readonly string[]): Promise<number>;
  /** Signed batches of a tenant in creation order, for exports; `afterCreatedAtMs` pages. */
  abstract batches(tenant: string, options?: { afterCreatedAtMs?: number; limit?: number }): Promise<SignedBatch[]>;
  abstract isHealthy(): Promise<boolean>;
  abstract close(): Promise<void>;
}
