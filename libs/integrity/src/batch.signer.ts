import { randomUUID } from 'node:crypto';
import { Clock, type Observation } from '@stadtdaten/contracts';
import {
  CANONICAL_SCHEMA_VERSION,
  type CanonicalObservation,
  hashCanonicalObservation,
  toCanonicalObservation,
} from './canonical-observation.encoder';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';
import { MerkleTree } from './merkle-tree';
import {
  type BatchStatement,
  type InclusionProof,
  type SignedBatch,
  encodeBatchStatement,
  isBatchId,
} from './signed-batch';
import { SigningKeyStore } from './signing-key-store.port';

/** A signed batch and one inclusion proof per observation, in the order the observations were given. */
export interface SignedBatchResult {
  batch: SignedBatch;
  proofs: InclusionProof[];
  /** Leaf hashes in batch order; a store that keeps them can rebuild every proof later. */
  leafHashes: Buffer[];
  /** The signed fields of each observation, in batch order, as the leaf hashes cover them. */
  canonical: CanonicalObservation[];
  /** The tree over `leafHashes`, whose root the batch signs. */
  tree: MerkleTree;
}

export interface SignOptions {
  /**
   * Whether to build the inclusion proof of every leaf now (default true). The validator passes
   * false: it publishes the hashes of the tree, and the signature store keeps them, from which
   * the proof endpoint reads a proof on request. `proofs` is then empty.
   */
  proofs?: boolean;
}

/**
 * Signs batches of observations: each observation's canonical encoding becomes a leaf of a
 * Merkle tree, and the root is signed with the store's active key.
 */
export class BatchSigner {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly clock: Clock = new Clock(),
  ) {}

  /**
   * Signs `observations` as one batch. `batchId` defaults to a random UUID. Throws EMPTY_BATCH,
   * INVALID_BATCH_ID, or INVALID_OBSERVATION naming the first observation that cannot be encoded.
   */
  async sign(
    observations: readonly Observation[],
    batchId: string = randomUUID(),
    options: SignOptions = {},
  ): Promise<SignedBatchResult> {
    if (observations.length === 0) {
      throw new IntegrityError(
        IntegrityErrorCode.EMPTY_BATCH,
        'cannot sign an empty batch: pass at least one observation',
      );
    }
    if (!isBatchId(batchId)) {
      throw new IntegrityError(
        IntegrityErrorCode.INVALID_BATCH_ID,
        `invalid batch id "${batchId}": use 1 to 128 letters, digits, "-" or "_"`,
      );
    }

    const canonical: CanonicalObservation[] = [];
    const leafHashes: Buffer[] = [];
    observations.forEach((observation, index) => {
      const leaf = leafOf(observation, index);
      canonical.push(leaf.fields);
      leafHashes.push(leaf.hash);
    });
    const tree = MerkleTree.fromLeafHashes(leafHashes);
    const key = await this.keys.activeKey();
    const statement: BatchStatement = {
      schemaVersion: CANONICAL_SCHEMA_VERSION,
      batchId,
      keyId: key.keyId,
      createdAtMs: this.clock.now(),
      treeSize: tree.size,
      rootHash: tree.root.toString('base64url'),
    };
    const signature = await key.sign(encodeBatchStatement(statement, tree.root));

    const proofs = options.proofs === false ? [] : observations.map((_, leafIndex) => ({
      batchId,
      leafIndex,
      treeSize: tree.size,
      path: tree.inclusionPath(leafIndex).map((hash) => hash.toString('base64url')),
    }));

    return { batch: { ...statement, signature: Buffer.from(signature).toString('base64url') }, proofs, leafHashes, canonical, tree };
  }
}

function leafOf(observation: Observation, index: number): { fields: CanonicalObservation; hash: Buffer } {
  try {
    const fields = toCanonicalObservation(observation);

    return { fields, hash: hashCanonicalObservation(fields) };
  } catch (error) {
    if (error instanceof IntegrityError) {
      throw new IntegrityError(
        error.code as IntegrityErrorCode,
        `observation ${index} ("${observation.id}") of the batch: ${error.message}`,
        { cause: error },
      );
    }
    throw error;
  }
}
