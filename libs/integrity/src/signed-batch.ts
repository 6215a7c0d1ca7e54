import { ByteFieldWriter } from './byte-field.writer';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';

/** Label that starts every signed batch statement, so a statement cannot pass for an observation leaf. */
export const BATCH_STATEMENT_DOMAIN_LABEL = 'stadtdaten.batch';

const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;
const SIGNATURE_REF = /^([A-Za-z0-9_-]{1,128}):(0|[1-9][0-9]{0,15})$/;

/** The signed root of one batch of observations, JSON-serialisable as it is. */
export interface SignedBatch {
  schemaVersion: number;
  /** Letters, digits, `-` and `_`, at most 128 characters, so it fits a signature reference. */
  batchId: string;
  /** Id (`kid`) of the Ed25519 key in the JWKS that verifies `signature`. */
  keyId: string;
  /** UTC epoch milliseconds. */
  createdAtMs: number;
  /** Number of observations (leaves) in the batch. */
  treeSize: number;
  /** Merkle root, base64url without padding. */
  rootHash: string;
  /** Ed25519 signature over the statement that `encodeBatchStatement` builds, base64url without padding. */
  signature: string;
}

/** The fields of a SignedBatch that its signature covers. */
export type BatchStatement = Omit<SignedBatch, 'signature'>;

/** Proof that one observation is a leaf of a signed batch, JSON-serialisable as it is. */
export interface InclusionProof {
  batchId: string;
  /** Position of the observation in the batch, from 0. */
  leafIndex: number;
  treeSize: number;
  /** Sibling hashes from the leaf up to the root (RFC 9162 section 2.1.3.1), each base64url without padding. */
  path: string[];
}

export function isBatchId(value: unknown): value is string {
  return typeof value === 'string' && BATCH_ID.test(value);
}

/**
 * Encodes what a batch signature covers, schema version 1. The layout, in this order: text
 * "stadtdaten.batch", uint32 schema version, text batch id, text key id, float64 creation
 * time, uint64 tree size and the 32 bytes of the root hash. A text is a uint32 byte length and
 * UTF-8 bytes, and integers are big-endian. Binding the batch id and tree size means a
 * signed root cannot be presented as the root of another batch.
 */
export function encodeBatchStatement(statement: BatchStatement, rootHash: Uint8Array): Buffer {
  return new ByteFieldWriter()
    .text(BATCH_STATEMENT_DOMAIN_LABEL)
    .uint32(statement.schemaVersion)
    .text(statement.batchId)
    .text(statement.keyId)
    .float64(statement.createdAtMs)
    .uint64(statement.treeSize)
    .fixed(rootHash)
    .toBuffer();
}

/** Formats the reference an Observation carries in `signature_ref`: `<batchId>:<leafIndex>`. */
export function signatureRef(proof: Pick<InclusionProof, 'batchId' | 'leafIndex'>): string {
  return `${proof.batchId}:${proof.leafIndex}`;
}

/** Parses a `signature_ref` value. Throws INVALID_SIGNATURE_REF for anything but `<batchId>:<leafIndex>`. */
export function parseSignatureRef(ref: string): { batchId: string; leafIndex: number } {
  const match = SIGNATURE_REF.exec(ref);
  if (!match || !Number.isSafeInteger(Number(match[2]))) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_SIGNATURE_REF,
      `invalid signature reference "${ref}": expected <batchId>:<leafIndex>, for example "b-42:7"`,
    );
  }

  return { batchId: match[1], leafIndex: Number(match[2]) };
}
