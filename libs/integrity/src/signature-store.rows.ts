import { MerkleTree } from './merkle-tree';
import type { ObservationProof } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

/** Batch rows read per query by `collectProofs`; a row of 1,000 leaves contains about 64 KB of hashes. */
const BATCHES_PER_READ = 64;

/** The row of one observation pointing into a batch. */
export interface ObservationRow {
  observation_id: string;
  batch_id: string;
  leaf_index: number;
  observation_json: string;
}

/** The row of a stored batch. `inner_hashes` is null for batches stored before the tree was kept. */
export interface BatchRow {
  batch_id: string;
  batch_json: string;
  leaf_hashes: Buffer;
  inner_hashes: Buffer | null;
}

/** Reads a batch's tree from its row; only a row without inner hashes costs hashing. */
export function treeOf(row: BatchRow): MerkleTree {
  return row.inner_hashes === null
    ? MerkleTree.fromConcatenatedLeafHashes(row.leaf_hashes)
    : MerkleTree.fromStoredHashes(row.leaf_hashes, row.inner_hashes);
}

export function proofOf(row: ObservationRow, batch: SignedBatch, tree: MerkleTree): ObservationProof {
  return {
    observationId: row.observation_id,
    observation: JSON.parse(row.observation_json),
    proof: {
      batchId: batch.batchId,
      leafIndex: row.leaf_index,
      treeSize: tree.size,
      path: tree.inclusionPath(row.leaf_index).map((hash) => hash.toString('base64url')),
    },
    batch,
  };
}

/**
 * Builds the proofs of `rows`, reading each batch once and at most BATCHES_PER_READ batches at
 * a time, and returns them in the order of `observationIds`.
 */
export async function collectProofs(
  observationIds: readonly string[],
  rows: readonly ObservationRow[],
  readBatches: (batchIds: string[]) => Promise<BatchRow[]>,
): Promise<ObservationProof[]> {
  const rowsByBatch = new Map<string, ObservationRow[]>();
  for (const row of rows) {
    const ofBatch = rowsByBatch.get(row.batch_id);
    if (ofBatch === undefined) {
      rowsByBatch.set(row.batch_id, [row]);
    } else {
      ofBatch.push(row);
    }
  }

  const byId = new Map<string, ObservationProof>();
  const batchIds = [...rowsByBatch.keys()];
  for (let start = 0; start < batchIds.length; start += BATCHES_PER_READ) {
    for (const batchRow of await readBatches(batchIds.slice(start, start + BATCHES_PER_READ))) {
      const batch = JSON.parse(batchRow.batch_json) as SignedBatch;
      const tree = treeOf(batchRow);
      for (const row of rowsByBatch.get(batchRow.batch_id) ?? []) {
        byId.set(row.observation_id, proofOf(row, batch, tree));
      }
    }
  }

  return observationIds.flatMap((id) => byId.get(id) ?? []);
}

/** Keeps the last entry of each observation id, so one statement never writes a row twice. */
export function lastPerObservation<T extends { observationId: string }>(entries: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const entry of entries) {
    byId.delete(entry.observationId);
    byId.set(entry.observationId, entry);
  }

  return [...byId.values()];
}
