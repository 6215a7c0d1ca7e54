import { type Observation, decodeObservation, encodeObservation } from '@stadtdaten/contracts';
import { makeObservation, makeObservations, makeTempDir } from '../test/fixtures';
import { BatchSigner } from './batch.signer';
import { hashCanonicalObservation, toCanonicalObservation } from './canonical-observation.encoder';
import { FileSigningKeyStore } from './file-signing-key-store.adapter';
import { decodeSignatureBatchEvent, encodeSignatureBatchEvent, signedObservationOf } from './signature-batch.event';
import { signatureRef } from './signed-batch';

describe('signature batch event', () => {
  let signer: BatchSigner;

  beforeAll(async () => {
    signer = new BatchSigner(await FileSigningKeyStore.open(makeTempDir('event')));
  });

  async function signAll(observations: Observation[]) {
    const result = await signer.sign(observations);
    observations.forEach((observation, leafIndex) => (observation.signatureRef = signatureRef({ batchId: result.batch.batchId, leafIndex })));

    return result;
  }

  describe('encodeSignatureBatchEvent', () => {
    it('round-trips batch and tree through decode', async () => {
      const { batch, leafHashes } = await signAll(makeObservations(9));

      const sut = decodeSignatureBatchEvent(encodeSignatureBatchEvent('darmstadt', batch, leafHashes));

      expect(sut.tenant).toBe('darmstadt');
      expect(sut.batch).toEqual(batch);
      expect(sut.tree.leafHashes).toEqual(Buffer.concat(leafHashes));
      expect(sut.tree.root.toString('base64url')).toBe(batch.rootHash);
      expect(sut.leaves).toEqual([]);
    });

    it('round-trips the inner hashes of a tree', async () => {
      const { batch, tree } = await signAll(makeObservations(9));
      const event = encodeSignatureBatchEvent('darmstadt', batch, tree);

      const sut = decodeSignatureBatchEvent(event);

      expect(JSON.parse(event.toString('utf8')).innerHashes).toBe(tree.innerHashes().toString('base64url'));
      expect(sut.tree.leafHashes).toEqual(tree.leafHashes);
      expect(sut.tree.innerHashes()).toEqual(tree.innerHashes());
      expect(sut.tree.inclusionPath(4)).toEqual(tree.inclusionPath(4));
    });

    it('carries only hashes: under 45 bytes per leaf', async () => {
      const { batch, leafHashes } = await signAll(makeObservations(1000));

      expect(encodeSignatureBatchEvent('darmstadt', batch, leafHashes).byteLength).toBeLessThan(45 * 1000);
    });

    it('carries leaf and inner hashes: under 90 bytes per leaf', async () => {
      const { batch, tree } = await signAll(makeObservations(1000));

      expect(encodeSignatureBatchEvent('darmstadt', batch, tree).byteLength).toBeLessThan(90 * 1000);
    });
  });

  describe('decodeSignatureBatchEvent', () => {
    it('reads version 1 leaves, last id wins', async () => {
      const first = makeObservation({ phenomenonTimeMs: 1_000_000 });
      const repeated = makeObservation({ phenomenonTimeMs: 1_000_000, result: { case: 'number', value: 7 } });
      const observations = [first, makeObservation({ phenomenonTimeMs: 2_000_000 }), repeated];
      const { batch, leafHashes } = await signer.sign(observations);
      const version1 = {
        version: 1,
        tenant: 'darmstadt',
        batch,
        leafHashes: leafHashes.map((hash) => hash.toString('base64url')),
        leaves: observations.map((observation) => ({ observationId: observation.id, observation: toCanonicalObservation(observation) })),
      };

      const sut = decodeSignatureBatchEvent(Buffer.from(JSON.stringify(version1)));

      expect(sut.tree.root.toString('base64url')).toBe(batch.rootHash);
      expect(sut.leaves.map((leaf) => [leaf.observationId, leaf.leafIndex])).toEqual([
        [first.id, 2],
        [observations[1]!.id, 1],
      ]);
      expect(sut.leaves[0]!.observation.result).toEqual({ type: 'number', value: 7 });
    });

    it('rejects a record that is not JSON', () => {
      expect(() => decodeSignatureBatchEvent(Buffer.from('{"version":'))).toThrow(
        expect.objectContaining({ code: 'INVALID_SIGNATURE_EVENT', message: 'invalid signatures event: the record is not JSON' }),
      );
    });

    it('rejects an unknown version', async () => {
      const { batch, leafHashes } = await signAll(makeObservations(2));
      const event = JSON.parse(encodeSignatureBatchEvent('darmstadt', batch, leafHashes).toString('utf8'));

      expect(() => decodeSignatureBatchEvent(Buffer.from(JSON.stringify({ ...event, version: 3 })))).toThrow(
        'version 3 with these fields is not a signatures event',
      );
    });

    it('rejects leaf hashes of another count', async () => {
      const { batch, leafHashes } = await signAll(makeObservations(3));

      expect(() => decodeSignatureBatchEvent(encodeSignatureBatchEvent('darmstadt', batch, leafHashes.slice(1)))).toThrow(
        `batch "${batch.batchId}" has 3 leaves but 64 bytes of leaf hashes`,
      );
    });

    it('rejects leaf hashes that miss the signed root', async () => {
      const { batch, leafHashes } = await signAll(makeObservations(3));
      const swapped = [leafHashes[1]!, leafHashes[0]!, leafHashes[2]!];

      expect(() => decodeSignatureBatchEvent(encodeSignatureBatchEvent('darmstadt', batch, swapped))).toThrow(
        `the hashes of batch "${batch.batchId}" do not lead to its signed root`,
      );
    });

    it('rejects inner hashes of another count', async () => {
      const { batch, tree } = await signAll(makeObservations(5));
      const event = JSON.parse(encodeSignatureBatchEvent('darmstadt', batch, tree).toString('utf8'));
      const shortened = { ...event, innerHashes: tree.innerHashes().subarray(32).toString('base64url') };

      expect(() => decodeSignatureBatchEvent(Buffer.from(JSON.stringify(shortened)))).toThrow(
        expect.objectContaining({
          code: 'INVALID_SIGNATURE_EVENT',
          message: `invalid signatures event: the inner hashes of batch "${batch.batchId}" do not fit its 5 leaves`,
        }),
      );
    });

    it('rejects inner hashes that miss the signed root', async () => {
      const { batch, tree } = await signAll(makeObservations(5));
      const event = JSON.parse(encodeSignatureBatchEvent('darmstadt', batch, tree).toString('utf8'));
      const changed = tree.innerHashes();
      changed[changed.byteLength - 1] ^= 0xff;

      expect(() => decodeSignatureBatchEvent(Buffer.from(JSON.stringify({ ...event, innerHashes: changed.toString('base64url') })))).toThrow(
        `the hashes of batch "${batch.batchId}" do not lead to its signed root`,
      );
    });

    it('rejects inner hashes that are no text', async () => {
      const { batch, tree } = await signAll(makeObservations(2));
      const event = JSON.parse(encodeSignatureBatchEvent('darmstadt', batch, tree).toString('utf8'));

      expect(() => decodeSignatureBatchEvent(Buffer.from(JSON.stringify({ ...event, innerHashes: [1, 2] })))).toThrow(
        'version 2 with these fields is not a signatures event',
      );
    });
  });

  describe('signedObservationOf', () => {
    it('returns undefined for an unsigned observation', () => {
      expect(signedObservationOf(makeObservation())).toBeUndefined();
    });

    it.each<[string, Observation['result']]>([
      ['number', { case: 'number', value: -0 }],
      ['text', { case: 'text', value: 'Straße geöffnet 🚲' }],
      ['boolean', { case: 'boolean', value: true }],
      ['json', { case: 'json', value: '{"b":[1,2.5],"a":null}' }],
    ])('gives the signed leaf hash after a protobuf round trip (%s)', async (_type, result) => {
      const observations = [makeObservation({ phenomenonTimeMs: 1_000 }), makeObservation({ phenomenonTimeMs: 2_000, result })];
      const { leafHashes } = await signAll(observations);

      const sut = signedObservationOf(decodeObservation(encodeObservation(observations[1]!)))!;

      expect(sut.leafIndex).toBe(1);
      expect(sut.observationId).toBe(observations[1]!.id);
      expect(sut.receivedAtMs).toBe(observations[1]!.receivedAtMs);
      expect(hashCanonicalObservation(sut.observation)).toEqual(leafHashes[1]);
    });

    it('rejects a malformed signatureRef', () => {
      expect(() => signedObservationOf(makeObservation({ signatureRef: 'no-index' }))).toThrow(
        expect.objectContaining({ code: 'INVALID_SIGNATURE_REF' }),
      );
    });
  });
});
