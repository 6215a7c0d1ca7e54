// Verifies a shown value in the browser with WebCrypto: the leaf hash of its canonical
// encoding, the Merkle inclusion path to the batch root (RFC 9162, SHA-256) and the batch's
// Ed25519 signature under the key the JWKS publishes. Mirrors verifyObservation of
// libs/integrity, with the same failure reasons.
import { EncodingError, encodeBatchStatement, encodeCanonicalObservation } from './canonical.js';

const HASH_BYTES = 32;
const SIGNATURE_BYTES = 64;
const BATCH_ID = /^[A-Za-z0-9_-]{1,128}$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** Decodes base64url without padding; returns null for other characters. */
export function base64UrlToBytes(text) {
  if (typeof text !== 'string' || !BASE64URL.test(text)) {
    return null;
  }
  const base64 = text.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(text.length / 4) * 4, '=');
  try {
    return Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
}

export function bytesToHex(bytes) {
  return [...bytes].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function sha256(...parts) {
  const length = parts.reduce((sum, part) => sum + part.length, 0);
  const input = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    input.set(part, offset);
    offset += part.length;
  }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', input));
}

/** SHA-256(0x00 || data), the leaf hash of RFC 9162 section 2.1.1. */
export function hashLeaf(data) {
  return sha256(Uint8Array.of(0), data);
}

/** SHA-256(0x01 || left || right), the inner node hash of RFC 9162 section 2.1.1. */
export function hashChildren(left, right) {
  return sha256(Uint8Array.of(1), left, right);
}

function isLeafPosition(leafIndex, treeSize) {
  return Number.isSafeInteger(leafIndex) && Number.isSafeInteger(treeSize) && leafIndex >= 0 && leafIndex < treeSize;
}

/** Returns how many hashes the inclusion path of a leaf has in a tree of `treeSize` leaves. */
export function inclusionPathLength(leafIndex, treeSize) {
  let length = 0;
  let index = leafIndex;
  let levelSize = treeSize;
  while (levelSize > 1) {
    const sibling = index % 2 === 0 ? index + 1 : index - 1;
    if (sibling < levelSize) {
      length += 1;
    }
    index = Math.floor(index / 2);
    levelSize = Math.ceil(levelSize / 2);
  }
  return length;
}

/**
 * Computes the root an inclusion path leads to with the algorithm of RFC 9162 section 2.1.3.2;
 * returns null when the path does not fit the leaf position.
 */
export async function rootFromInclusionPath(leafHash, leafIndex, treeSize, path) {
  if (!isLeafPosition(leafIndex, treeSize)) {
    return null;
  }
  let fn = leafIndex;
  let sn = treeSize - 1;
  let root = leafHash;
  for (const sibling of path) {
    if (sn === 0) {
      return null;
    }
    if (fn % 2 === 1 || fn === sn) {
      root = await hashChildren(sibling, root);
      // The node was the last of its level and moved up without a sibling: skip those levels.
      while (fn % 2 === 0 && fn !== 0) {
        fn /= 2;
        sn = Math.floor(sn / 2);
      }
    } else {
      root = await hashChildren(root, sibling);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? root : null;
}

function failure(reason, detail, steps) {
  return { ok: false, reason, detail, steps };
}

function equalBytes(a, b) {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

async function verifySignature(batch, rootHash, jwks) {
  const jwk = Array.isArray(jwks?.keys) ? jwks.keys.find((key) => key?.kid === batch.keyId) : undefined;
  if (!jwk) {
    return failure('UNKNOWN_KEY', `the JWKS has no key with kid "${batch.keyId}"`);
  }
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string' || (jwk.alg !== undefined && jwk.alg !== 'EdDSA')) {
    return failure('UNKNOWN_KEY', `key "${batch.keyId}" in the JWKS is not an Ed25519 signing key`);
  }
  let key;
  try {
    key = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, { name: 'Ed25519' }, false, ['verify']);
  } catch (error) {
    return failure('UNSUPPORTED', `this browser cannot import Ed25519 keys with WebCrypto: ${error.message}`);
  }
  const signature = base64UrlToBytes(batch.signature);
  const valid = await crypto.subtle.verify({ name: 'Ed25519' }, key, signature, encodeBatchStatement(batch, rootHash));
  return valid ? { ok: true } : failure('BAD_SIGNATURE', `the signature of batch "${batch.batchId}" does not verify under key "${batch.keyId}"`);
}

function malformedProof(proof, batch) {
  if (typeof batch !== 'object' || batch === null || batch.schemaVersion !== 1 || !BATCH_ID.test(batch.batchId ?? '')) {
    return 'the signed batch is missing or has an unsupported schema version';
  }
  if (!isLeafPosition(0, batch.treeSize) || !Number.isFinite(batch.createdAtMs) || typeof batch.keyId !== 'string') {
    return `signed batch "${batch.batchId}" needs a key id, a creation time and a positive tree size`;
  }
  if (base64UrlToBytes(batch.rootHash)?.length !== HASH_BYTES || base64UrlToBytes(batch.signature)?.length !== SIGNATURE_BYTES) {
    return `signed batch "${batch.batchId}" needs a 32-byte root hash and a 64-byte signature in base64url`;
  }
  if (typeof proof !== 'object' || proof === null || !isLeafPosition(proof.leafIndex, proof.treeSize) || !Array.isArray(proof.path)) {
    return 'the inclusion proof needs a leaf index inside the tree and a path';
  }
  if (!proof.path.every((hash) => base64UrlToBytes(hash)?.length === HASH_BYTES)) {
    return 'every hash of the inclusion path must be 32 bytes in base64url';
  }
  if (proof.path.length !== inclusionPathLength(proof.leafIndex, proof.treeSize)) {
    return `the path has ${proof.path.length} hashes, but leaf ${proof.leafIndex} of ${proof.treeSize} needs ${inclusionPathLength(proof.leafIndex, proof.treeSize)}`;
  }
  return null;
}

/**
 * Verifies `fields` (the signed fields of the shown value) against a proof document of
 * `/api/v1/observations/{id}/proof` and a JWKS. Returns `{ ok: true, steps }` or
 * `{ ok: false, reason, detail, steps }`; `steps` lists the checks that passed, with the leaf
 * hash and root in hex. Reasons: MALFORMED_PROOF, BATCH_MISMATCH, MALFORMED_OBSERVATION,
 * ROOT_MISMATCH, UNKNOWN_KEY, BAD_SIGNATURE, UNSUPPORTED.
 */
export async function verifyShownValue(fields, proofDocument, jwks) {
  const steps = [];
  const { proof, batch } = proofDocument ?? {};
  const malformed = malformedProof(proof, batch);
  if (malformed) {
    return failure('MALFORMED_PROOF', malformed, steps);
  }
  if (proof.batchId !== batch.batchId || proof.treeSize !== batch.treeSize) {
    return failure('BATCH_MISMATCH', `the proof names batch "${proof.batchId}" of ${proof.treeSize}, the signed batch is "${batch.batchId}" of ${batch.treeSize}`, steps);
  }

  let encoded;
  try {
    encoded = encodeCanonicalObservation(fields);
  } catch (error) {
    if (error instanceof EncodingError) {
      return failure('MALFORMED_OBSERVATION', error.message, steps);
    }
    throw error;
  }
  const leafHash = await hashLeaf(encoded);
  steps.push({ step: 'leaf', value: bytesToHex(leafHash) });

  const rootHash = base64UrlToBytes(batch.rootHash);
  const path = proof.path.map(base64UrlToBytes);
  const root = await rootFromInclusionPath(leafHash, proof.leafIndex, proof.treeSize, path);
  if (!root || !equalBytes(root, rootHash)) {
    return failure('ROOT_MISMATCH', `the value at leaf ${proof.leafIndex} does not lead to the signed root of batch "${batch.batchId}"`, steps);
  }
  steps.push({ step: 'root', value: bytesToHex(root) });

  const signature = await verifySignature(batch, rootHash, jwks);
  if (!signature.ok) {
    return { ...signature, steps };
  }
  steps.push({ step: 'signature', value: batch.keyId });

  return { ok: true, steps };
}
