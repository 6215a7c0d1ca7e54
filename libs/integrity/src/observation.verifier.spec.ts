import type { Observation } from '@stadtdaten/contracts';
import { makeObservations, makeTempDir } from '../test/fixtures';
import { BatchSigner, type SignedBatchResult } from './batch.signer';
import { toCanonicalObservation } from './canonical-observation.encoder';
import type { JsonWebKeySet } from './ed25519-jwk';
import { FileSigningKeyStore } from './file-signing-key-store.adapter';
import { type VerificationFailure, verifyObservation } from './observation.verifier';
import type { InclusionProof, SignedBatch } from './signed-batch';

interface Case {
  observation: Observation;
  proof: InclusionProof;
  batch: SignedBatch;
  jwks: JsonWebKeySet;
}

describe('verifyObservation', () => {
  const observations = makeObservations(6);
  let jwks: JsonWebKeySet;
  let current: SignedBatchResult;
  let beforeRotation: SignedBatchResult;
  let foreign: SignedBatchResult;
  let foreignKeyId: string;

  beforeAll(async () => {
    const keys = await FileSigningKeyStore.open(makeTempDir('verifier'));
    beforeRotation = await new BatchSigner(keys).sign(observations, 'batch-before-rotation');
    await keys.rotate();
    current = await new BatchSigner(keys).sign(observations, 'batch-current');
    jwks = await keys.jwks();

    const foreignKeys = await FileSigningKeyStore.open(makeTempDir('foreign'));
    foreign = await new BatchSigner(foreignKeys).sign(observations, 'batch-current');
    foreignKeyId = (await foreignKeys.activeKey()).keyId;
  });

  function validCase(index = 2): Case {
    return { observation: observations[index], proof: current.proofs[index], batch: current.batch, jwks };
  }

  function withObservation(changes: Partial<Observation>): (c: Case) => Case {
    return (c) => ({ ...c, observation: { ...c.observation, ...changes } });
  }

  it.each<[string, (c: Case) => Case, VerificationFailure | 'ok']>([
    ['an unchanged observation', (c) => c, 'ok'],
    [
      'canonical fields in place of the event',
      (c) => ({ ...c, observation: toCanonicalObservation(c.observation) as never }),
      'ok',
    ],
    ['a changed value', withObservation({ result: { case: 'number', value: 99 } }), 'ROOT_MISMATCH'],
    ['the value as text', withObservation({ result: { case: 'text', value: '20.2' } }), 'ROOT_MISMATCH'],
    ['a changed phenomenon time', withObservation({ phenomenonTimeMs: 1_733_310_120_001 }), 'ROOT_MISMATCH'],
    ['a changed result time', withObservation({ resultTimeMs: 1 }), 'ROOT_MISMATCH'],
    ['a changed datastream', withObservation({ datastreamId: 'ds-air-temperature-2' }), 'ROOT_MISMATCH'],
    ['a changed tenant', withObservation({ tenant: 'heag' }), 'ROOT_MISMATCH'],
    ['a changed unit', withObservation({ unit: 'K' }), 'ROOT_MISMATCH'],
    ['a changed device', withObservation({ deviceId: 'device-elsys-ers-18' }), 'ROOT_MISMATCH'],
    ['a changed storage profile, which is not signed', withObservation({ storageProfile: 'eu' }), 'ok'],
    ['the proof of another observation', (c) => ({ ...c, proof: current.proofs[3] }), 'ROOT_MISMATCH'],
    [
      'a proof with a swapped sibling',
      (c) => ({ ...c, proof: { ...c.proof, path: [...c.proof.path].reverse() } }),
      'ROOT_MISMATCH',
    ],
    ['an unknown key id', (c) => ({ ...c, batch: { ...c.batch, keyId: 'no-such-key' } }), 'UNKNOWN_KEY'],
    [
      'a batch from before a rotation with its key published',
      (c) => ({ ...c, proof: beforeRotation.proofs[2], batch: beforeRotation.batch }),
      'ok',
    ],
    ['a batch signed by a key missing from the JWKS', (c) => ({ ...c, batch: foreign.batch }), 'UNKNOWN_KEY'],
    [
      'a signature by an unpublished key under a published kid',
      (c) => ({ ...c, batch: { ...foreign.batch, keyId: current.batch.keyId } }),
      'BAD_SIGNATURE',
    ],
    ['a JWKS without keys', (c) => ({ ...c, jwks: { keys: [] } }), 'UNKNOWN_KEY'],
    [
      'a kid that names an RSA key',
      (c) => ({ ...c, jwks: { keys: [{ kty: 'RSA', kid: current.batch.keyId, n: 'AQAB', e: 'AQAB' }] } }),
      'UNKNOWN_KEY',
    ],
    [
      'a signed root moved to another batch id',
      (c) => ({
        proof: { ...c.proof, batchId: 'batch-other' },
        batch: { ...c.batch, batchId: 'batch-other' },
        observation: c.observation,
        jwks: c.jwks,
      }),
      'BAD_SIGNATURE',
    ],
    [
      'a changed root',
      (c) => ({ ...c, batch: { ...c.batch, rootHash: Buffer.alloc(32, 1).toString('base64url') } }),
      'BAD_SIGNATURE',
    ],
    [
      'a changed creation time',
      (c) => ({ ...c, batch: { ...c.batch, createdAtMs: c.batch.createdAtMs + 1 } }),
      'BAD_SIGNATURE',
    ],
    ['a proof of another batch', (c) => ({ ...c, proof: beforeRotation.proofs[2] }), 'BATCH_MISMATCH'],
    [
      'a proof with another tree size',
      (c) => ({ ...c, proof: { ...c.proof, treeSize: 7 } }),
      'BATCH_MISMATCH',
    ],
    [
      'a leaf index outside the tree',
      (c) => ({ ...c, proof: { ...c.proof, leafIndex: 6 } }),
      'MALFORMED_PROOF',
    ],
    [
      'a path one hash short',
      (c) => ({ ...c, proof: { ...c.proof, path: c.proof.path.slice(1) } }),
      'MALFORMED_PROOF',
    ],
    [
      'a path hash that is not base64url',
      (c) => ({ ...c, proof: { ...c.proof, path: ['%%', ...c.proof.path.slice(1)] } }),
      'MALFORMED_PROOF',
    ],
    ['a batch id with a colon', (c) => ({ ...c, proof: { ...c.proof, batchId: 'a:b' } }), 'MALFORMED_PROOF'],
    [
      'a truncated signature',
      (c) => ({ ...c, batch: { ...c.batch, signature: c.batch.signature.slice(4) } }),
      'MALFORMED_PROOF',
    ],
    ['batch schema version 2', (c) => ({ ...c, batch: { ...c.batch, schemaVersion: 2 } }), 'MALFORMED_PROOF'],
    [
      'an observation without result',
      withObservation({ result: { case: undefined } }),
      'MALFORMED_OBSERVATION',
    ],
  ])('handles %s', (_, change, expected) => {
    const { observation, proof, batch, jwks: keySet } = change(validCase());
    const result = verifyObservation(observation, proof, batch, keySet);

    expect(result.ok ? 'ok' : result.reason).toBe(expected);
  });

  it('accepts every proof of the batch', () => {
    const results = observations.map((observation, index) =>
      verifyObservation(observation, current.proofs[index], current.batch, jwks),
    );

    expect(results.every((result) => result.ok)).toBe(true);
  });

  it('names the unknown key in its detail', () => {
    const { observation, proof } = validCase();

    expect(verifyObservation(observation, proof, foreign.batch, jwks)).toEqual({
      ok: false,
      reason: 'UNKNOWN_KEY',
      detail: `the JWKS has no key with kid "${foreignKeyId}"`,
    });
  });
});
