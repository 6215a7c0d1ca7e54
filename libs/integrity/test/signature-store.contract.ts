import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { Observation } from '@stadtdaten/contracts';
import {
  BatchSigner,
  FileSigningKeyStore,
  type SignatureBatchRecord,
  type SignatureStore,
  decodeSignatureBatchEvent,
  encodeSignatureBatchEvent,
  signatureRef,
  signedObservationOf,
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

    /** Signs as the validator does: sets each signatureRef and returns the decoded signatures event. */
    async function signed(observations: Observation[]): Promise<SignatureBatchRecord> {
      const { batch, tree } = await new BatchSigner(keys).sign(observations);
      observations.forEach((observation, leafIndex) => (observation.signatureRef = signatureRef({ batchId: batch.batchId, leafIndex })));

      return decodeSignatureBatchEvent(encodeSignatureBatchEvent(tenant, batch, tree));
    }

    async function saveObservations(observations: Observation[]): Promise<void> {
      await store.saveObservations(observations.map((observation) => signedObservationOf(observation)!));
    }

    it('returns a proof that verifies', async () => {
      const observations = makeObservations(7, { tenant });
      await store.saveBatch(await signed(observations));
      await saveObservations(observations);

      const proof = await store.proof(observations[4]!.id);

      expect(proof?.proof).toMatchObject({ leafIndex: 4, treeSize: 7 });
      expect(proof?.observation).toEqual(toCanonicalObservation(observations[4]!));
      expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
      expect(await store.proof('unknown-id')).toBeUndefined();
    });

    it('returns a proof once both halves are stored', async () => {
      const observations = makeObservations(3, { tenant, datastreamId: 'late-batch' });
      const record = await signed(observations);

      await saveObservations(observations);
      expect(await store.proof(observations[1]!.id)).toBeUndefined();

      await store.saveBatch(record);
      const proof = await store.proof(observations[1]!.id);
      expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
    });

    it('saves batches idempotently, last version wins', async () => {
      const first = makeObservation({ tenant, datastreamId: 'dup', phenomenonTimeMs: 1_000_000 });
      const corrected = makeObservation({ tenant, datastreamId: 'dup', phenomenonTimeMs: 1_000_000, result: { case: 'number', value: 99 } });
      const observations = [first, makeObservation({ tenant, datastreamId: 'other' }), corrected];
      const record = await signed(observations);
      await store.saveBatch(record);
      await store.saveBatch(record);
      await saveObservations(observations);

      const proof = await store.proof(first.id);

      expect(proof?.proof.leafIndex).toBe(2);
      expect(proof?.observation.result).toEqual({ type: 'number', value: 99 });
      expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
    });

    it('replaces the leaf of a re-signed observation', async () => {
      const original = makeObservation({ tenant, datastreamId: 'resigned', phenomenonTimeMs: 3_000_000 });
      const resent = makeObservation({ tenant, datastreamId: 'resigned', phenomenonTimeMs: 3_000_000, result: { case: 'number', value: 4 } });
      const first = await signed([makeObservation({ tenant, datastreamId: 'resigned' }), original]);
      const second = await signed([resent]);
      await store.saveBatch(first);
      await store.saveBatch(second);
      await saveObservations([original]);

      await saveObservations([resent]);
      const proof = await store.proof(original.id);

      expect(proof?.proof).toMatchObject({ batchId: second.batch.batchId, leafIndex: 0, treeSize: 1 });
      expect(proof?.observation).toEqual(toCanonicalObservation(resent));
      expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
    });

    it('returns the signed fields of every context in a call', async () => {
      const observations = [
        makeObservation({ tenant, datastreamId: 'ctx-a', thingId: 'thing-1', phenomenonTimeMs: 4_000_000 }),
        makeObservation({ tenant, datastreamId: 'ctx-a', thingId: 'thing-2', phenomenonTimeMs: 4_060_000 }),
        makeObservation({ tenant, datastreamId: 'ctx-b', unit: 'mg/m3', phenomenonTimeMs: 4_000_000, result: { case: 'text', value: 'ok' } }),
        makeObservation({ tenant, datastreamId: 'ctx-b', phenomenonTimeMs: 4_060_000, result: { case: 'json', value: '{"b":[1,2],"a":null}' } }),
        makeObservation({ tenant, datastreamId: 'ctx-a', thingId: 'thing-1', phenomenonTimeMs: 4_120_000, result: { case: 'boolean', value: false } }),
      ];
      await store.saveBatch(await signed(observations));
      await saveObservations(observations);

      const proofs = await store.proofs(observations.map((observation) => observation.id));

      expect(proofs.map((proof) => proof.observation)).toEqual(observations.map((observation) => toCanonicalObservation(observation)));
      expect(proofs.map((proof) => JSON.stringify(proof.observation))).toEqual(
        observations.map((observation) => JSON.stringify(toCanonicalObservation(observation))),
      );
      for (const proof of proofs) {
        expect(verifyObservation(proof.observation, proof.proof, proof.batch, await keys.jwks())).toEqual({ ok: true });
      }
    });

    it('returns many proofs in the requested order', async () => {
      const earlier = makeObservations(5, { tenant, datastreamId: 'many-a' });
      const later = makeObservations(4, { tenant, datastreamId: 'many-b' });
      await store.saveBatch(await signed(earlier));
      await store.saveBatch(await signed(later));
      await saveObservations([...earlier, ...later]);
      const ids = [later[3]!.id, 'unknown-id', earlier[0]!.id, later[0]!.id, earlier[4]!.id];

      const proofs = await store.proofs(ids);

      expect(proofs.map((proof) => proof.observationId)).toEqual([later[3]!.id, earlier[0]!.id, later[0]!.id, earlier[4]!.id]);
      for (const proof of proofs) {
        expect(proof).toEqual(await store.proof(proof.observationId));
        expect(verifyObservation(proof.observation, proof.proof, proof.batch, await keys.jwks())).toEqual({ ok: true });
      }
      expect(await store.proofs([])).toEqual([]);
    });

    it('keeps leaves of a version 1 event only where no row exists', async () => {
      const stored = makeObservation({ tenant, datastreamId: 'v1', phenomenonTimeMs: 2_000_000 });
      const missing = makeObservation({ tenant, datastreamId: 'v1', phenomenonTimeMs: 2_060_000 });
      const current = await signed([stored]);
      await store.saveBatch(current);
      await saveObservations([stored]);
      const older = [makeObservation({ tenant, datastreamId: 'v1', phenomenonTimeMs: 2_000_000, result: { case: 'number', value: -1 } }), missing];
      const { batch, leafHashes } = await new BatchSigner(keys).sign(older);
      const version1 = {
        version: 1,
        tenant,
        batch,
        leafHashes: leafHashes.map((hash) => hash.toString('base64url')),
        leaves: older.map((observation) => ({ observationId: observation.id, observation: toCanonicalObservation(observation) })),
      };

      await store.saveBatch(decodeSignatureBatchEvent(Buffer.from(JSON.stringify(version1))));

      expect((await store.proof(stored.id))?.proof.batchId).toBe(current.batch.batchId);
      const filled = await store.proof(missing.id);
      expect(filled?.proof).toMatchObject({ batchId: batch.batchId, leafIndex: 1 });
      expect(verifyObservation(filled!.observation, filled!.proof, filled!.batch, await keys.jwks())).toEqual({ ok: true });
    });

    it('lists batches of a tenant in creation order', async () => {
      const batches = await store.batches(tenant);
      expect(batches.length).toBeGreaterThanOrEqual(2);
      expect(batches.map((batch) => batch.createdAtMs)).toEqual([...batches.map((batch) => batch.createdAtMs)].sort((a, b) => a - b));
    });

    it('forgets the signed fields of chosen datastreams', async () => {
      const observations = [makeObservation({ tenant, datastreamId: 'forget-me' }), makeObservation({ tenant, datastreamId: 'keep-me' })];
      await store.saveBatch(await signed(observations));
      await saveObservations(observations);

      expect(await store.forgetDatastreams(tenant, ['forget-me'])).toBe(1);
      expect(await store.proof(observations[0]!.id)).toBeUndefined();
      expect(await store.proof(observations[1]!.id)).toBeDefined();
    });

    it('forgets every stored version of a datastream', async () => {
      const first = makeObservations(3, { tenant, datastreamId: 'erase-me' });
      const resent = makeObservation({ tenant, datastreamId: 'erase-me', phenomenonTimeMs: first[0]!.phenomenonTimeMs, result: { case: 'number', value: 0 } });
      const kept = makeObservation({ tenant, datastreamId: 'keep-me-too' });
      await store.saveBatch(await signed([...first, kept]));
      await saveObservations([...first, kept]);
      await store.saveBatch(await signed([resent]));
      await saveObservations([resent]);

      expect(await store.forgetDatastreams(tenant, ['erase-me', 'unknown-datastream'])).toBe(3);
      expect(await store.proofs(first.map((observation) => observation.id))).toEqual([]);
      expect((await store.proof(kept.id))?.observation).toEqual(toCanonicalObservation(kept));
      expect(await store.forgetDatastreams(tenant, ['erase-me'])).toBe(0);
      expect(await store.forgetDatastreams(`${tenant}-other`, ['keep-me-too'])).toBe(0);
      expect(await store.proof(kept.id)).toBeDefined();
    });
  });
}
