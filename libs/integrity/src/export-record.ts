import type { Observation } from '@stadtdaten/contracts';
import { type CanonicalObservation, toCanonicalObservation } from './canonical-observation.encoder';
import type { InclusionProof } from './signed-batch';

/** Signature files inside an export directory, relative to its root. */
export const ExportSignatureFiles = {
  /** JWKS with every public key that signed a batch of the export. */
  JWKS: 'signatures/jwks.json',
  /** One SignedBatch per line. */
  BATCHES: 'signatures/batches.jsonl',
  /** One ExportObservationRecord per line. */
  OBSERVATIONS: 'signatures/observations.jsonl',
} as const;

/** One line of `signatures/observations.jsonl`: the signed fields of an observation, its id and its proof. */
export interface ExportObservationRecord extends CanonicalObservation {
  /** Observation id. It is not signed, because it is derived from tenant, datastream and phenomenon time. */
  id: string;
  proof: InclusionProof;
}

/** Builds the export line of an observation from the event and the proof the BatchSigner returned for it. */
export function toExportRecord(observation: Observation, proof: InclusionProof): ExportObservationRecord {
  return { id: observation.id, ...toCanonicalObservation(observation), proof };
}
