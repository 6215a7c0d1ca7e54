import { FixedClock } from '@stadtdaten/contracts';
import { makeObservation, makeObservations, makeTempDir } from '../test/fixtures';
import { BatchSigner } from './batch.signer';
import { FileSigningKeyStore } from './file-signing-key-store.adapter';
import { verifyObservation } from './observation.verifier';
import type { SignedBatch } from './signed-batch';

describe(BatchSigner.name, () => {
  let keys: FileSigningKeyStore;
  let sut: BatchSigner;

  beforeAll(async () => {
    keys = await FileSigningKeyStore.open(makeTempDir('signer'));
    sut = new BatchSigner(keys, new FixedClock(1_733_310_123_000));
  });

  describe('sign', () => {
    it('returns a proof per observation that verifies', async () => {
      const observations = makeObservations(13);
      const { batch, proofs } = await sut.sign(observations, 'batch-13');
      const jwks = await keys.jwks();

      expect(proofs).toHaveLength(13);
      for (const [index, observation] of observations.entries()) {
        expect({ index, result: verifyObservation(observation, proofs[index], batch, jwks) }).toEqual({
          index,
          result: { ok: true },
        });
      }
    });

    it('numbers proofs in input order', async () => {
      const { proofs } = await sut.sign(makeObservations(5), 'batch-5');

      expect(proofs.map((proof) => [proof.batchId, proof.leafIndex, proof.treeSize])).toEqual([
        ['batch-5', 0, 5],
        ['batch-5', 1, 5],
        ['batch-5', 2, 5],
        ['batch-5', 3, 5],
        ['batch-5', 4, 5],
      ]);
    });

    it('signs with the active key at the clock time', async () => {
      const { batch } = await sut.sign(makeObservations(2));

      expect(batch).toMatchObject({
        schemaVersion: 1,
        keyId: (await keys.activeKey()).keyId,
        createdAtMs: 1_733_310_123_000,
        treeSize: 2,
      });
    });

    it('draws a new batch id per call', async () => {
      const first = await sut.sign(makeObservations(1));
      const second = await sut.sign(makeObservations(1));

      expect(first.batch.batchId).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.batch.batchId).not.toBe(first.batch.batchId);
    });

    it('signs a single observation', async () => {
      const observation = makeObservation();
      const { batch, proofs } = await sut.sign([observation]);

      expect(proofs[0].path).toEqual([]);
      expect(verifyObservation(observation, proofs[0], batch, await keys.jwks())).toEqual({ ok: true });
    });

    it('keeps verifying after a JSON round trip', async () => {
      const observations = makeObservations(3);
      const signed = await sut.sign(observations);
      const copy = JSON.parse(JSON.stringify(signed)) as { batch: SignedBatch; proofs: typeof signed.proofs };

      expect(verifyObservation(observations[2], copy.proofs[2], copy.batch, await keys.jwks())).toEqual({
        ok: true,
      });
    });

    it('rejects an empty batch', async () => {
      await expect(sut.sign([])).rejects.toMatchObject({ code: 'EMPTY_BATCH' });
    });

    it('rejects a batch id with a colon', async () => {
      await expect(sut.sign(makeObservations(1), 'a:b')).rejects.toThrow('invalid batch id "a:b"');
    });

    it('names the observation without result', async () => {
      const observations = [
        makeObservation(),
        makeObservation({ id: 'obs-without-result', result: { case: undefined } }),
      ];

      await expect(sut.sign(observations)).rejects.toThrow(
        'observation 1 ("obs-without-result") of the batch',
      );
    });
  });
});
