import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Observation, createObservation, observationId } from '@stadtdaten/contracts';
import {
  BatchSigner,
  FileSigningKeyStore,
  MerkleTree,
  decodeSignatureBatchEvent,
  parseSignatureRef,
  signedObservationOf,
  verifyObservation,
} from '@stadtdaten/integrity';
import { MAX_SIGNED_BATCH, ObservationSigner } from './observation.signer';
import { ValidatorSettings } from './validator-settings';

function makeObservations(count: number): Observation[] {
  return Array.from({ length: count }, (_, index) => {
    const datastreamId = `bench-${index % 300}.temperature`;
    const phenomenonTimeMs = 1_733_310_000_000 + index * 1000;

    return createObservation({
      id: observationId('darmstadt', datastreamId, phenomenonTimeMs),
      tenant: 'darmstadt',
      datastreamId,
      thingId: `site-${index % 10}`,
      deviceId: `bench-${index % 300}`,
      observedProperty: 'air_temperature',
      unit: 'Cel',
      phenomenonTimeMs,
      resultTimeMs: phenomenonTimeMs,
      receivedAtMs: phenomenonTimeMs + 40,
      result: { case: 'number', value: 10 + (index % 50) / 4 },
      classification: 'public',
      storageProfile: 'onprem-darz',
    });
  });
}

describe(ObservationSigner.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-observation-signer-'));
  let keys: FileSigningKeyStore;

  beforeAll(async () => {
    keys = await FileSigningKeyStore.open(join(dir, 'keys'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('sign', () => {
    it('signs chunks of at most MAX_SIGNED_BATCH', async () => {
      const sut = new ObservationSigner(new BatchSigner(keys), new ValidatorSettings(1_000_000, 'test'));
      const observations = makeObservations(2 * MAX_SIGNED_BATCH + 7);

      const { topic, records } = await sut.sign('darmstadt', observations);
      const events = records.map((record) => decodeSignatureBatchEvent(record.value));

      expect(topic).toBe('stadtdaten.darmstadt.signatures');
      expect(events.map((event) => event.batch.treeSize)).toEqual([MAX_SIGNED_BATCH, MAX_SIGNED_BATCH, 7]);
      expect(records.map((record) => record.key)).toEqual(events.map((event) => event.batch.batchId));
      expect(events.every((event) => event.tenant === 'darmstadt' && event.leaves.length === 0)).toBe(true);
    });

    it('names in each signatureRef a leaf whose proof verifies', async () => {
      const sut = new ObservationSigner(new BatchSigner(keys), new ValidatorSettings(1_000_000, 'test'));
      const observations = makeObservations(MAX_SIGNED_BATCH + 3);

      const { records } = await sut.sign('darmstadt', observations);
      const trees = new Map(records.map((record) => decodeSignatureBatchEvent(record.value)).map((event) => [event.batch.batchId, event]));
      const jwks = await keys.jwks();

      for (const index of [0, 1, MAX_SIGNED_BATCH - 1, MAX_SIGNED_BATCH, MAX_SIGNED_BATCH + 2]) {
        const { batchId, leafIndex } = parseSignatureRef(observations[index]!.signatureRef);
        const { batch, tree } = trees.get(batchId)!;
        const proof = { batchId, leafIndex, treeSize: tree.size, path: inclusionPath(tree, leafIndex) };

        expect({ index, result: verifyObservation(signedObservationOf(observations[index]!)!.observation, proof, batch, jwks) }).toEqual({
          index,
          result: { ok: true },
        });
      }
    });

    it('publishes tree hashes only: under 90 bytes per observation', async () => {
      const sut = new ObservationSigner(new BatchSigner(keys), new ValidatorSettings(1_000_000, 'test'));

      const { records } = await sut.sign('darmstadt', makeObservations(MAX_SIGNED_BATCH));

      expect(records[0]!.value.byteLength).toBeLessThan(90 * MAX_SIGNED_BATCH);
    });

    it('leaves observations unsigned when signing is off', async () => {
      const sut = new ObservationSigner(new BatchSigner(keys), new ValidatorSettings(1_000_000, 'test', false));
      const observations = makeObservations(3);

      const { records } = await sut.sign('darmstadt', observations);

      expect(records).toEqual([]);
      expect(observations.map((observation) => observation.signatureRef)).toEqual(['', '', '']);
    });
  });
});

function inclusionPath(tree: MerkleTree, leafIndex: number): string[] {
  return tree.inclusionPath(leafIndex).map((hash) => hash.toString('base64url'));
}
