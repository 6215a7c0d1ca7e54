import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import {
  BatchSigner,
  FileSigningKeyStore,
  type SignatureBatchEvent,
  type SignatureStore,
  toCanonicalObservation,
  verifyObservation,
} from '../src';
import { makeObservation, makeObservations, makeTempDir } from './fixtures';

/** Behaviour every signature store must show. `open` returns a connected store. */
export function signatureStoreContract(name: string, open: () => Promise<SignatureStore>): void {
  describe(`${name} (SignatureStore contract)`, () => {
    const keyDir = makeTempDir('store-keys');
    let store: SignatureStore;
    let keys: FileSigningKeyStore;
    const tenant = `t${randomBytes(4).toString('hex')}`;

    beforeAll(async () => {
      store = await open();
      keys = await FileSigningKeyStore.open(keyDir);
    });

    afterAll(async () => {
      await store.close();
      rmSync(keyDir, { recursive: true, force: true });
    });

    async function signed(observations: ReturnType<typeof makeObservations>): Promise<SignatureBatchEvent> {
      const { batch, leafHashes } = await new BatchSigner(keys).sign(observations);

      return {
        version: 1,
        tenant,
        batch,
        leafHashes: leafHashes.map((hash) => hash.toString('base64url')),
        leaves: observations.map((observation) => ({ observationId: observation.id, observation: toCanonicalObservation(observation) })),
      };
    }

    it('rebuilds a proof that verifies', async () => {
      const observations = makeObservations(7, { tenant });
      await store.save(await signed(observations));

      const proof = await store.proof(observations[4]!.id);

      expect(proof?.proof).toMatchObject({ leafIndex: 4, treeSize: 7 });
      expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
      expect(await store.proof('unknown-id')).toBeUndefined();
    });

    it('stores a batch twice without change and keeps a repeated observation once', async () => {
      const first = makeObservation({ tenant, datastreamId: 'dup', phenomenonTimeMs: 1_000_000 });
      const corrected = makeObservation({ tenant, datastreamId: 'dup', phenomenonTimeMs: 1_000_000, result: { case: 'number', value: 99 } });
      const event = await signed([first, makeObservation({ tenant, datastreamId: 'other' }), corrected]);
      await store.save(event);
      await store.save(event);

      const proof = await store.proof(first.id);

      expect(proof?.proof.leafIndex).toBe(2);
      expect(proof?.observation.result).toEqual({ type: 'number', value: 99 });
    });

    it('lists batches of a tenant in creation order', async () => {
      const batches = await store.batches(tenant);
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(batches.map((batch) => batch.createdAtMs)).toEqual([...batches.map((batch) => batch.createdAtMs)].sort((a, b) => a - b));
    });

    it('forgets the signed fields of chosen datastreams', async () => {
      const observation = makeObservation({ tenant, datastreamId: 'forget-me' });
      await store.save(await signed([observation, makeObservation({ tenant, datastreamId: 'keep-me' })]));

      expect(await store.forgetDatastreams(tenant, ['forget-me'])).toBe(1);
      expect(await store.proof(observation.id)).toBeUndefined();
    });
  });
}
