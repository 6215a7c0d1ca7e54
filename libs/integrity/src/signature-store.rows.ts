import { MerkleTree } from './merkle-tree';
import type { ObservationProof, SignatureBatchEvent } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

const HASH_BYTES = 32;

/** The row of a stored batch and the row of one observation pointing into it. */
export interface ProofRows {
  observation_id: string;
  leaf_index: number;
  observation_json: string;
  batch_json: string;
  leaf_hashes: Buffer;
}

/**
 * The leaves of a batch with their index, one per observation id: a batch may hold the same
 * observation twice (a reading sent twice in one consumed batch), and the later leaf wins, as
 * in the time-series store.
 */
export function distinctLeaves(event: SignatureBatchEvent): Array<{ observationId: string; index: number; json: string }> {
  const byId = new Map<string, { observationId: string; index: number; json: string }>();
  event.leaves.forEach((leaf, index) => {
    byId.set(leaf.observationId, { observationId: leaf.observationId, index, json: JSON.stringify(leaf.observation) });
  });

  return [...byId.values()];
}

export function leafHashesBlob(event: SignatureBatchEvent): Buffer {
  return Buffer.concat(event.leafHashes.map((hash) => Buffer.from(hash, 'base64url')));
}

/** Rebuilds the inclusion proof of one leaf from the batch's concatenated leaf hashes. */
export function proofFromRows(rows: ProofRows): ObservationProof {
  const batch = JSON.parse(rows.batch_json) as SignedBatch;
  const leaves: Buffer[] = [];
  for (let offset = 0; offset < rows.leaf_hashes.byteLength; offset += HASH_BYTES) {
    leaves.push(rows.leaf_hashes.subarray(offset, offset + HASH_BYTES));
  }
  const tree = MerkleTree.fromLeafHashes(leaves);

  return {
    observationId: rows.observation_id,
    observation: JSON.parse(rows.observation_json),
    proof: {
      batchId: batch.batchId,
      leafIndex: rows.leaf_index,
      treeSize: tree.size,
      path: tree.inclusionPath(rows.leaf_index).map((hash) => hash.toString('base64url')),
    },
    batch,
  };
}
