import type { Observation } from '@stadtdaten/contracts';
import { type CanonicalObservation, toCanonicalObservation } from './canonical-observation.encoder';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';
import { HASH_BYTES, MerkleTree } from './merkle-tree';
import { type SignedBatch, isBatchId, parseSignatureRef } from './signed-batch';

/**
 * One signed batch as the validator publishes it on the tenant's signatures topic, version 2.
 * The signed fields of the leaves are not repeated here: every observation event carries its
 * leaf in `signatureRef`, and the storage writer takes the fields from those events.
 */
export interface SignatureBatchEvent {
  version: 2;
  tenant: string;
  batch: SignedBatch;
  /** The leaf hashes in batch order, 32 bytes each, concatenated, base64url without padding. */
  leafHashes: string;
  /**
   * The tree's levels above the leaves, as `MerkleTree.innerHashes()` returns them, base64url
   * without padding. Optional, because older validators did not send them, and without them
   * the reader hashes the tree from the leaves.
   */
  innerHashes?: string;
}

/** Version 1 of the event, which also carried the signed fields of every leaf. */
interface SignatureBatchEventV1 {
  version: 1;
  tenant: string;
  batch: SignedBatch;
  leafHashes: string[];
  leaves: Array<{ observationId: string; observation: CanonicalObservation }>;
}

/** The signed fields of one observation and the batch leaf that covers them. */
export interface SignedObservation {
  observationId: string;
  batchId: string;
  leafIndex: number;
  /** UTC epoch milliseconds the platform received the reading. */
  receivedAtMs: number;
  observation: CanonicalObservation;
}

/** A leaf of a version 1 event with the signed fields it carried. */
export type EventLeaf = Omit<SignedObservation, 'receivedAtMs'>;

/** A decoded signatures event: the batch with the tree its leaf hashes form. */
export interface SignatureBatchRecord {
  tenant: string;
  batch: SignedBatch;
  tree: MerkleTree;
  /** The leaves a version 1 event carried, one per observation id (the later leaf wins); empty for version 2. */
  leaves: EventLeaf[];
}

/**
 * Encodes the version 2 event of a signed batch as the value of a signatures-topic record.
 * Given the batch's tree, the event also carries its inner hashes, so the reader needs no
 * hashing. Given only the leaf hashes, the reader builds the tree from them.
 */
export function encodeSignatureBatchEvent(tenant: string, batch: SignedBatch, hashes: MerkleTree | readonly Uint8Array[]): Buffer {
  const event: SignatureBatchEvent =
    hashes instanceof MerkleTree
      ? {
          version: 2,
          tenant,
          batch,
          leafHashes: hashes.leafHashes.toString('base64url'),
          innerHashes: hashes.innerHashes().toString('base64url'),
        }
      : { version: 2, tenant, batch, leafHashes: Buffer.concat(hashes).toString('base64url') };

  return Buffer.from(JSON.stringify(event));
}

/**
 * Reads a signatures-topic record of version 1 or 2 and the batch's tree: from the inner hashes
 * when the event carries them, else by hashing its leaf hashes. Throws INVALID_SIGNATURE_EVENT
 * when the record is no such event, or when its hashes do not lead to the root the batch signs.
 */
export function decodeSignatureBatchEvent(value: Uint8Array): SignatureBatchRecord {
  const event = parseEvent(value);
  const batch = event.batch;
  const leafHashes =
    event.version === 2
      ? Buffer.from(event.leafHashes, 'base64url')
      : Buffer.concat(event.leafHashes.map((hash) => Buffer.from(hash, 'base64url')));
  if (leafHashes.byteLength !== batch.treeSize * HASH_BYTES) {
    throw invalidEvent(`batch "${batch.batchId}" has ${batch.treeSize} leaves but ${leafHashes.byteLength} bytes of leaf hashes`);
  }
  const tree = treeOf(event, leafHashes);
  if (tree.root.toString('base64url') !== batch.rootHash) {
    throw invalidEvent(`the hashes of batch "${batch.batchId}" do not lead to its signed root`);
  }

  return { tenant: event.tenant, batch, tree, leaves: event.version === 1 ? distinctLeaves(event) : [] };
}

/**
 * Returns the signed fields of an observation event and the leaf named by its `signatureRef`,
 * or undefined for an observation that was stored unsigned. Throws INVALID_SIGNATURE_REF or
 * INVALID_OBSERVATION for an event that no signer could have produced.
 */
export function signedObservationOf(observation: Observation): SignedObservation | undefined {
  if (observation.signatureRef === '') {
    return undefined;
  }
  const { batchId, leafIndex } = parseSignatureRef(observation.signatureRef);

  return {
    observationId: observation.id,
    batchId,
    leafIndex,
    receivedAtMs: observation.receivedAtMs,
    observation: toCanonicalObservation(observation),
  };
}

// NOTE: inner hashes are taken as sent and only the root is compared with the signed one, so a
// wrong inner or leaf hash from the validator surfaces as a proof that fails verification.
function treeOf(event: SignatureBatchEvent | SignatureBatchEventV1, leafHashes: Buffer): MerkleTree {
  if (event.version === 1 || event.innerHashes === undefined) {
    return MerkleTree.fromConcatenatedLeafHashes(leafHashes);
  }
  try {
    return MerkleTree.fromStoredHashes(leafHashes, Buffer.from(event.innerHashes, 'base64url'));
  } catch (error) {
    throw invalidEvent(`the inner hashes of batch "${event.batch.batchId}" do not fit its ${event.batch.treeSize} leaves`, error);
  }
}

function parseEvent(value: Uint8Array): SignatureBatchEvent | SignatureBatchEventV1 {
  let event: Partial<SignatureBatchEvent | SignatureBatchEventV1>;
  try {
    event = JSON.parse(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8'));
  } catch (error) {
    throw invalidEvent('the record is not JSON', error);
  }
  if (typeof event !== 'object' || event === null || typeof event.tenant !== 'string' || !isSignedBatchShape(event.batch)) {
    throw invalidEvent('the record needs a tenant and a batch with batchId, treeSize and rootHash');
  }
  if (event.version === 2 && isVersion2Hashes(event as Partial<SignatureBatchEvent>)) {
    return event as SignatureBatchEvent;
  }
  if (event.version === 1 && isVersion1Leaves(event as Partial<SignatureBatchEventV1>)) {
    return event as SignatureBatchEventV1;
  }

  throw invalidEvent(`version ${String(event.version)} with these fields is not a signatures event this library reads (1 or 2)`);
}

function isSignedBatchShape(batch: unknown): batch is SignedBatch {
  const candidate = batch as Partial<SignedBatch> | null;

  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    isBatchId(candidate.batchId) &&
    Number.isSafeInteger(candidate.treeSize) &&
    (candidate.treeSize ?? 0) > 0 &&
    typeof candidate.rootHash === 'string'
  );
}

function isVersion2Hashes(event: Partial<SignatureBatchEvent>): boolean {
  return typeof event.leafHashes === 'string' && (event.innerHashes === undefined || typeof event.innerHashes === 'string');
}

function isVersion1Leaves(event: Partial<SignatureBatchEventV1>): boolean {
  return (
    Array.isArray(event.leafHashes) &&
    event.leafHashes.every((hash) => typeof hash === 'string') &&
    Array.isArray(event.leaves) &&
    event.leaves.length === event.leafHashes.length
  );
}

// A batch may hold the same observation twice (a reading sent twice in one consumed batch).
function distinctLeaves(event: SignatureBatchEventV1): EventLeaf[] {
  const byId = new Map<string, EventLeaf>();
  event.leaves.forEach((leaf, leafIndex) => {
    byId.set(leaf.observationId, { observationId: leaf.observationId, batchId: event.batch.batchId, leafIndex, observation: leaf.observation });
  });

  return [...byId.values()];
}

function invalidEvent(reason: string, cause?: unknown): IntegrityError {
  return new IntegrityError(IntegrityErrorCode.INVALID_SIGNATURE_EVENT, `invalid signatures event: ${reason}`, { cause });
}
