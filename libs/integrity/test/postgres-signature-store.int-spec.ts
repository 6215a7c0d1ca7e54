import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import {
  BatchSigner,
  FileSigningKeyStore,
  PostgresSignatureStore,
  signatureRef,
  signedObservationOf,
  toCanonicalObservation,
  verifyObservation,
} from '../src';
import { makeObservation, makeObservations, makeTempDir } from './fixtures';
import { signatureStoreContract } from './signature-store.contract';

const url = process.env.STADTDATEN_POSTGRES_URL;
const schema = `integrity_test_${process.pid}`;
const previousSchema = `integrity_test_previous_${process.pid}`;

if (url === undefined) {
  describe.skip('PostgresSignatureStore: STADTDATEN_POSTGRES_URL is unset; npm test sets it after starting the dev services', () => {
    it('skipped', () => undefined);
  });
} else {
  signatureStoreContract('PostgresSignatureStore', async () => {
    const store = new PostgresSignatureStore({ url, schema });
    await store.connect();

    return store;
  });

  describe('PostgresSignatureStore with rows of the previous layout', () => {
    const dir = makeTempDir('postgres-previous-layout');
    const pool = new Pool({ connectionString: url, max: 1 });

    afterAll(async () => {
      await pool.end();
      rmSync(dir, { recursive: true, force: true });
    });

    it('proves and forgets rows of both layouts', async () => {
      const keys = await FileSigningKeyStore.open(join(dir, 'keys'));
      const older = makeObservations(2, { tenant: 'darmstadt', datastreamId: 'erase-me' });
      const kept = makeObservation({ tenant: 'darmstadt', datastreamId: 'keep-me', phenomenonTimeMs: 1_733_320_000_000 });
      const { batch, leafHashes } = await new BatchSigner(keys).sign([...older, kept]);
      const s = `"${previousSchema}"`;
      await pool.query(`CREATE SCHEMA ${s}`);
      await pool.query(`CREATE TABLE ${s}.signature_batches (batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at_ms BIGINT NOT NULL,
        batch_json TEXT NOT NULL, leaf_hashes BYTEA NOT NULL)`);
      await pool.query(`CREATE TABLE ${s}.observation_signatures (observation_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, batch_id TEXT NOT NULL,
        leaf_index INTEGER NOT NULL, created_at_ms BIGINT NOT NULL, observation_json TEXT NOT NULL)`);
      await pool.query(`INSERT INTO ${s}.signature_batches VALUES ($1, $2, $3, $4, $5)`, [
        batch.batchId,
        'darmstadt',
        batch.createdAtMs,
        JSON.stringify(batch),
        Buffer.concat(leafHashes),
      ]);
      for (const [leafIndex, observation] of [...older, kept].entries()) {
        await pool.query(`INSERT INTO ${s}.observation_signatures VALUES ($1, $2, $3, $4, $5, $6)`, [
          observation.id,
          'darmstadt',
          batch.batchId,
          leafIndex,
          batch.createdAtMs,
          JSON.stringify(toCanonicalObservation(observation)),
        ]);
      }

      const sut = new PostgresSignatureStore({ url, schema: previousSchema });
      await sut.connect();
      const olderProof = await sut.proof(older[1]!.id);
      const newer = [1, 2, 3].map((minute) => makeObservation({ tenant: 'darmstadt', datastreamId: 'erase-me', phenomenonTimeMs: 1_733_330_000_000 + minute * 60_000 }));
      const signed = await new BatchSigner(keys).sign(newer);
      newer.forEach((observation, leafIndex) => (observation.signatureRef = signatureRef({ batchId: signed.batch.batchId, leafIndex })));
      await sut.saveObservations(newer.map((observation) => signedObservationOf(observation)!));
      const forgotten = await sut.forgetDatastreams('darmstadt', ['erase-me']);
      const remaining = await sut.proofs([...older, ...newer].map((observation) => observation.id));
      const [keptProof] = await sut.proofs([kept.id]);
      await sut.close();

      expect(olderProof?.proof).toMatchObject({ batchId: batch.batchId, leafIndex: 1, treeSize: 3 });
      expect(verifyObservation(olderProof!.observation, olderProof!.proof, olderProof!.batch, await keys.jwks())).toEqual({ ok: true });
      expect(forgotten).toBe(5);
      expect(remaining).toEqual([]);
      expect(keptProof?.observation).toEqual(toCanonicalObservation(kept));
    });
  });

  afterAll(async () => {
    const pool = new Pool({ connectionString: url });
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS "${previousSchema}" CASCADE`);
    await pool.end();
  });
}
