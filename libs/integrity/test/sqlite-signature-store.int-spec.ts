import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  BatchSigner,
  FileSigningKeyStore,
  SqliteSignatureStore,
  signatureRef,
  signedObservationOf,
  toCanonicalObservation,
  verifyObservation,
} from '../src';
import { makeObservation, makeObservations, makeTempDir } from './fixtures';
import { signatureStoreContract } from './signature-store.contract';

const dir = makeTempDir('signature-store');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

signatureStoreContract('SqliteSignatureStore', async () => {
  const store = new SqliteSignatureStore({ path: join(dir, 'signatures.sqlite') });
  await store.connect();

  return store;
});

describe('SqliteSignatureStore with a file of the previous layout', () => {
  it('adds the inner-hash column and proves from leaf hashes alone', async () => {
    const path = join(dir, 'previous-layout.sqlite');
    const keys = await FileSigningKeyStore.open(join(dir, 'previous-layout-keys'));
    const observations = makeObservations(6, { tenant: 'darmstadt' });
    const { batch, leafHashes } = await new BatchSigner(keys).sign(observations);
    const previous = new Database(path);
    previous.exec(`
      CREATE TABLE signature_batches (batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        batch_json TEXT NOT NULL, leaf_hashes BLOB NOT NULL);
      CREATE TABLE observation_signatures (observation_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, batch_id TEXT NOT NULL,
        leaf_index INTEGER NOT NULL, created_at_ms INTEGER NOT NULL, observation_json TEXT NOT NULL);`);
    previous
      .prepare('INSERT INTO signature_batches VALUES (?, ?, ?, ?, ?)')
      .run(batch.batchId, 'darmstadt', batch.createdAtMs, JSON.stringify(batch), Buffer.concat(leafHashes));
    previous
      .prepare('INSERT INTO observation_signatures VALUES (?, ?, ?, ?, ?, ?)')
      .run(observations[5]!.id, 'darmstadt', batch.batchId, 5, batch.createdAtMs, JSON.stringify(toCanonicalObservation(observations[5]!)));
    previous.close();

    const sut = new SqliteSignatureStore({ path });
    await sut.connect();
    const proof = await sut.proof(observations[5]!.id);
    const [fromMany] = await sut.proofs([observations[5]!.id]);
    await sut.close();

    expect(proof?.proof).toMatchObject({ batchId: batch.batchId, leafIndex: 5, treeSize: 6 });
    expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
    expect(fromMany).toEqual(proof);
  });

  it('forgets datastreams in both layouts', async () => {
    const path = join(dir, 'previous-layout-forget.sqlite');
    const keys = await FileSigningKeyStore.open(join(dir, 'previous-layout-forget-keys'));
    const older = makeObservations(2, { tenant: 'darmstadt', datastreamId: 'erase-me' });
    const kept = makeObservation({ tenant: 'darmstadt', datastreamId: 'keep-me', phenomenonTimeMs: 1_733_320_000_000 });
    const { batch, leafHashes } = await new BatchSigner(keys).sign([...older, kept]);
    const previous = new Database(path);
    previous.exec(`
      CREATE TABLE signature_batches (batch_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, created_at_ms INTEGER NOT NULL,
        batch_json TEXT NOT NULL, leaf_hashes BLOB NOT NULL);
      CREATE TABLE observation_signatures (observation_id TEXT PRIMARY KEY, tenant TEXT NOT NULL, batch_id TEXT NOT NULL,
        leaf_index INTEGER NOT NULL, created_at_ms INTEGER NOT NULL, observation_json TEXT NOT NULL);`);
    previous
      .prepare('INSERT INTO signature_batches VALUES (?, ?, ?, ?, ?)')
      .run(batch.batchId, 'darmstadt', batch.createdAtMs, JSON.stringify(batch), Buffer.concat(leafHashes));
    const insertRow = previous.prepare('INSERT INTO observation_signatures VALUES (?, ?, ?, ?, ?, ?)');
    [...older, kept].forEach((observation, leafIndex) => {
      insertRow.run(observation.id, 'darmstadt', batch.batchId, leafIndex, batch.createdAtMs, JSON.stringify(toCanonicalObservation(observation)));
    });
    previous.close();

    const sut = new SqliteSignatureStore({ path });
    await sut.connect();
    const newer = [1, 2, 3].map((minute) => makeObservation({ tenant: 'darmstadt', datastreamId: 'erase-me', phenomenonTimeMs: 1_733_330_000_000 + minute * 60_000 }));
    const signed = await new BatchSigner(keys).sign(newer);
    newer.forEach((observation, leafIndex) => (observation.signatureRef = signatureRef({ batchId: signed.batch.batchId, leafIndex })));
    await sut.saveObservations(newer.map((observation) => signedObservationOf(observation)!));
    const forgotten = await sut.forgetDatastreams('darmstadt', ['erase-me']);
    const remaining = await sut.proofs([...older, ...newer].map((observation) => observation.id));
    const keptProof = await sut.proof(kept.id);
    await sut.close();

    expect(forgotten).toBe(5);
    expect(remaining).toEqual([]);
    expect(keptProof?.proof).toMatchObject({ batchId: batch.batchId, leafIndex: 2 });
    expect(verifyObservation(keptProof!.observation, keptProof!.proof, keptProof!.batch, await keys.jwks())).toEqual({ ok: true });
  });
});
