import type { CanonicalObservation } from './canonical-observation.encoder';
import { MerkleTree } from './merkle-tree';
import { ChunkReader } from './signature-store.chunks';
import type { ObservationProof } from './signature-store.port';
import type { SignedBatch } from './signed-batch';

/** Batch rows read per query by `collectProofs`; a row of 1,000 leaves contains about 64 KB of hashes. */
const BATCHES_PER_READ = 64;

/** Chunk rows read per query by `readLeaves`. A chunk of 1,000 observations of 1,000 datastreams is about 160 KB of JSON. */
const CHUNKS_PER_READ = 16;

/** The queries `readLeaves` needs from a store. */
export interface LeafSource {
  readIndex(observationIds: readonly string[]): Promise<LeafIndexRow[]>;
  readChunks(chunkIds: number[]): Promise<ChunkRow[]>;
  readLegacy(observationIds: string[]): Promise<LegacyObservationRow[]>;
}

/** The signed fields of one observation and the leaf that signs them, read from either layout. */
export interface LeafRow {
  observationId: string;
  batchId: string;
  leafIndex: number;
  observation: CanonicalObservation;
}

/** A row of `observation_signatures`, the layout of one JSON row per observation that stores no longer write. */
export interface LegacyObservationRow {
  observation_id: string;
  batch_id: string;
  leaf_index: number;
  observation_json: string;
}

/** A row of `observation_leaves`: where in which chunk the signed fields of an observation are. */
export interface LeafIndexRow {
  observation_id: string;
  /** A number from SQLite, a decimal string from PostgreSQL's BIGINT. */
  chunk_id: number | string;
  position: number;
}

/** A row of `signed_chunks` as the proof queries read it. */
export interface ChunkRow {
  chunk_id: number | string;
  batch_id: string;
  body: string;
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

export function leafOfLegacyRow(row: LegacyObservationRow): LeafRow {
  return {
    observationId: row.observation_id,
    batchId: row.batch_id,
    leafIndex: row.leaf_index,
    observation: JSON.parse(row.observation_json) as CanonicalObservation,
  };
}

/**
 * Reads the leaves of `observationIds`: from the chunks first, reading each once and at most
 * CHUNKS_PER_READ at a time, then from the rows of the previous layout for the ids not found.
 */
export async function readLeaves(observationIds: readonly string[], source: LeafSource): Promise<LeafRow[]> {
  const indexRowsByChunk = new Map<number, LeafIndexRow[]>();
  for (const row of await source.readIndex(observationIds)) {
    const chunkId = Number(row.chunk_id);
    const ofChunk = indexRowsByChunk.get(chunkId);
    if (ofChunk === undefined) {
      indexRowsByChunk.set(chunkId, [row]);
    } else {
      ofChunk.push(row);
    }
  }

  const leaves: LeafRow[] = [];
  const chunkIds = [...indexRowsByChunk.keys()];
  for (let start = 0; start < chunkIds.length; start += CHUNKS_PER_READ) {
    const group = chunkIds.slice(start, start + CHUNKS_PER_READ);
    const indexRows = group.flatMap((chunkId) => indexRowsByChunk.get(chunkId) ?? []);
    leaves.push(...leavesOfChunks(indexRows, await source.readChunks(group)));
  }

  const found = new Set(leaves.map((leaf) => leaf.observationId));
  const missing = observationIds.filter((id) => !found.has(id));
  if (missing.length > 0) {
    leaves.push(...(await source.readLegacy(missing)).map(leafOfLegacyRow));
  }

  return leaves;
}

/**
 * Reads the leaves that `indexRows` point to, parsing each chunk once. Leaves out an index row
 * whose chunk is missing or whose entry an erasure removed.
 */
export function leavesOfChunks(indexRows: readonly LeafIndexRow[], chunks: readonly ChunkRow[]): LeafRow[] {
  const chunksById = new Map<string, { batchId: string; reader: ChunkReader }>();
  for (const chunk of chunks) {
    chunksById.set(String(chunk.chunk_id), { batchId: chunk.batch_id, reader: new ChunkReader(chunk.body) });
  }

  return indexRows.flatMap((row) => {
    const chunk = chunksById.get(String(row.chunk_id));
    const entry = chunk?.reader.entryAt(row.position);
    if (chunk === undefined || entry === undefined) {
      return [];
    }

    return [{ observationId: row.observation_id, batchId: chunk.batchId, leafIndex: entry.leafIndex, observation: entry.observation }];
  });
}

export function proofOf(leaf: LeafRow, batch: SignedBatch, tree: MerkleTree): ObservationProof {
  return {
    observationId: leaf.observationId,
    observation: leaf.observation,
    proof: {
      batchId: batch.batchId,
      leafIndex: leaf.leafIndex,
      treeSize: tree.size,
      path: tree.inclusionPath(leaf.leafIndex).map((hash) => hash.toString('base64url')),
    },
    batch,
  };
}

/**
 * Builds the proofs of `leaves`, reading each batch once and at most BATCHES_PER_READ batches
 * at a time, and returns them in the order of `observationIds`.
 */
export async function collectProofs(
  observationIds: readonly string[],
  leaves: readonly LeafRow[],
  readBatches: (batchIds: string[]) => Promise<BatchRow[]>,
): Promise<ObservationProof[]> {
  const leavesByBatch = new Map<string, LeafRow[]>();
  for (const leaf of leaves) {
    const ofBatch = leavesByBatch.get(leaf.batchId);
    if (ofBatch === undefined) {
      leavesByBatch.set(leaf.batchId, [leaf]);
    } else {
      ofBatch.push(leaf);
    }
  }

  const byId = new Map<string, ObservationProof>();
  const batchIds = [...leavesByBatch.keys()];
  for (let start = 0; start < batchIds.length; start += BATCHES_PER_READ) {
    for (const batchRow of await readBatches(batchIds.slice(start, start + BATCHES_PER_READ))) {
      const batch = JSON.parse(batchRow.batch_json) as SignedBatch;
      const tree = treeOf(batchRow);
      for (const leaf of leavesByBatch.get(batchRow.batch_id) ?? []) {
        byId.set(leaf.observationId, proofOf(leaf, batch, tree));
      }
    }
  }

  return observationIds.flatMap((id) => byId.get(id) ?? []);
}
