import { verify as verifySignature } from 'node:crypto';
import type { Observation } from '@stadtdaten/contracts';
import {
  CANONICAL_SCHEMA_VERSION,
  type CanonicalObservation,
  encodeCanonicalObservation,
  toCanonicalObservation,
} from './canonical-observation.encoder';
import { type JsonWebKeySet, findEd25519PublicKey } from './ed25519-jwk';
import { IntegrityError } from './integrity.errors';
import {
  HASH_BYTES,
  hashLeaf,
  inclusionPathLength,
  isLeafPosition,
  rootFromInclusionPath,
} from './merkle-tree';
import { type InclusionProof, type SignedBatch, encodeBatchStatement, isBatchId } from './signed-batch';

/**
 * Reason code of a failed verification. A changed value cannot be distinguished from a changed context
 * or a foreign proof, because each of them makes the recomputed root differ (ROOT_MISMATCH).
 */
export const VerificationFailure = {
  /** The observation's fields and the proof lead to a root other than the signed one. */
  ROOT_MISMATCH: 'ROOT_MISMATCH',
  /** The signature does not match the batch statement under the named key. */
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  /** The JWKS has no usable Ed25519 key with the batch's key id. */
  UNKNOWN_KEY: 'UNKNOWN_KEY',
  /** The proof names another batch id or tree size than the signed batch. */
  BATCH_MISMATCH: 'BATCH_MISMATCH',
  /** The proof or the signed batch has missing, mistyped or impossible fields. */
  MALFORMED_PROOF: 'MALFORMED_PROOF',
  /** The observation's fields cannot be encoded (for example no result, or an unsupported schema version). */
  MALFORMED_OBSERVATION: 'MALFORMED_OBSERVATION',
} as const;

export type VerificationFailure = (typeof VerificationFailure)[keyof typeof VerificationFailure];

export type VerificationResult = { ok: true } | { ok: false; reason: VerificationFailure; detail: string };

const OK: VerificationResult = { ok: true };
const SIGNATURE_BYTES = 64;

/**
 * Verifies one observation offline: the batch signature under the JWKS, that the proof
 * belongs to the batch, and that the observation's canonical encoding leads through the
 * proof to the signed root. Accepts an Observation event or its canonical fields.
 */
export function verifyObservation(
  observation: Observation | CanonicalObservation,
  proof: InclusionProof,
  signedBatch: SignedBatch,
  jwks: JsonWebKeySet,
): VerificationResult {
  const batchResult = verifySignedBatch(signedBatch, jwks);
  if (!batchResult.ok) {
    return batchResult;
  }

  return verifyInclusion(observation, proof, signedBatch);
}

/** Verifies the signature of a batch statement under the key its `keyId` names in the JWKS. */
export function verifySignedBatch(signedBatch: SignedBatch, jwks: JsonWebKeySet): VerificationResult {
  const malformed = describeMalformedBatch(signedBatch);
  if (malformed) {
    return failure('MALFORMED_PROOF', malformed);
  }

  const publicKey = findEd25519PublicKey(jwks, signedBatch.keyId);
  if (typeof publicKey === 'string') {
    return failure('UNKNOWN_KEY', publicKey);
  }
  const statement = encodeBatchStatement(signedBatch, Buffer.from(signedBatch.rootHash, 'base64url'));
  const signature = Buffer.from(signedBatch.signature, 'base64url');
  if (!verifySignature(null, statement, publicKey, signature)) {
    return failure(
      'BAD_SIGNATURE',
      `the signature of batch "${signedBatch.batchId}" does not verify under key "${signedBatch.keyId}"`,
    );
  }

  return OK;
}

/**
 * Checks that `proof` places the observation in `signedBatch`. Does not check the batch
 * signature: call verifySignedBatch once per batch, or use verifyObservation.
 */
export function verifyInclusion(
  observation: Observation | CanonicalObservation,
  proof: InclusionProof,
  signedBatch: SignedBatch,
): VerificationResult {
  const malformed = describeMalformedProof(proof);
  if (malformed) {
    return failure('MALFORMED_PROOF', malformed);
  }
  if (proof.batchId !== signedBatch.batchId || proof.treeSize !== signedBatch.treeSize) {
    return failure(
      'BATCH_MISMATCH',
      `the proof is for batch "${proof.batchId}" of ${proof.treeSize} observations, the signed batch is "${signedBatch.batchId}" of ${signedBatch.treeSize}`,
    );
  }

  const encoded = encodeOrReason(observation);
  if (typeof encoded === 'string') {
    return failure('MALFORMED_OBSERVATION', encoded);
  }
  const path = proof.path.map((hash) => Buffer.from(hash, 'base64url'));
  const root = rootFromInclusionPath(hashLeaf(encoded), proof.leafIndex, proof.treeSize, path);
  if (!root || !root.equals(Buffer.from(signedBatch.rootHash, 'base64url'))) {
    return failure(
      'ROOT_MISMATCH',
      `the observation at leaf ${proof.leafIndex} does not lead to the signed root of batch "${signedBatch.batchId}": its signed fields or its proof differ from what was signed`,
    );
  }

  return OK;
}

function encodeOrReason(observation: Observation | CanonicalObservation): Buffer | string {
  try {
    const fields = '$typeName' in observation ? toCanonicalObservation(observation) : observation;

    return encodeCanonicalObservation(fields);
  } catch (error) {
    if (error instanceof IntegrityError) {
      return error.message;
    }
    throw error;
  }
}

function describeMalformedBatch(batch: SignedBatch): string | undefined {
  if (typeof batch !== 'object' || batch === null) {
    return 'the signed batch is not an object';
  }
  if (batch.schemaVersion !== CANONICAL_SCHEMA_VERSION) {
    return `signed batch schema version ${String(batch.schemaVersion)} is not supported: this library reads version ${CANONICAL_SCHEMA_VERSION}`;
  }
  if (!isBatchId(batch.batchId) || typeof batch.keyId !== 'string' || batch.keyId === '') {
    return 'the signed batch needs a batchId of letters, digits, "-" or "_" and a non-empty keyId';
  }
  if (!Number.isFinite(batch.createdAtMs) || !isLeafPosition(0, batch.treeSize)) {
    return `signed batch "${batch.batchId}" needs a finite createdAtMs and a positive integer treeSize`;
  }
  if (decodedLength(batch.rootHash) !== HASH_BYTES || decodedLength(batch.signature) !== SIGNATURE_BYTES) {
    return `signed batch "${batch.batchId}" needs a ${HASH_BYTES}-byte rootHash and a ${SIGNATURE_BYTES}-byte signature in base64url`;
  }

  return undefined;
}

function describeMalformedProof(proof: InclusionProof): string | undefined {
  if (typeof proof !== 'object' || proof === null || !isBatchId(proof.batchId)) {
    return 'the proof needs a batchId of letters, digits, "-" or "_"';
  }
  if (!isLeafPosition(proof.leafIndex, proof.treeSize)) {
    return `leaf index ${String(proof.leafIndex)} does not lie in a tree of ${String(proof.treeSize)} leaves`;
  }
  if (!Array.isArray(proof.path) || !proof.path.every((hash) => decodedLength(hash) === HASH_BYTES)) {
    return `the proof path must be a list of ${HASH_BYTES}-byte hashes in base64url`;
  }
  const expectedLength = inclusionPathLength(proof.leafIndex, proof.treeSize);
  if (proof.path.length !== expectedLength) {
    return `the proof path has ${proof.path.length} hashes, but leaf ${proof.leafIndex} of ${proof.treeSize} needs ${expectedLength}`;
  }

  return undefined;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

// Buffer.from(…, 'base64url') skips invalid characters silently, so the alphabet is checked first.
function decodedLength(value: unknown): number {
  if (typeof value !== 'string' || !BASE64URL.test(value)) {
    return -1;
  }

  return Buffer.from(value, 'base64url').length;
}

function failure(reason: VerificationFailure, detail: string): VerificationResult {
  return { ok: false, reason, detail };
}
