import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Observation, createObservation, decodeObservation, encodeObservation, observationId } from '@stadtdaten/contracts';
import type { ConsumedRecord } from '@stadtdaten/event-log';
import {
  BatchSigner,
  FileSigningKeyStore,
  SqliteSignatureStore,
  encodeSignatureBatchEvent,
  signatureRef,
  verifyObservation,
} from '@stadtdaten/integrity';
import { ProcessLogger } from '@stadtdaten/observability';
import pino from 'pino';
import { SignatureRecorder } from './signature.recorder';

function makeObservation(index: number): Observation {
  const datastreamId = `glass-${index % 3}.fill`;
  const phenomenonTimeMs = 1_733_310_000_000 + index * 60_000;

  return createObservation({
    id: observationId('darmstadt', datastreamId, phenomenonTimeMs),
    tenant: 'darmstadt',
    datastreamId,
    thingId: 'container-luisenplatz',
    deviceId: `glass-${index % 3}`,
    observedProperty: 'fill_level',
    unit: '%',
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs + 300,
    result: { case: 'number', value: 40 + index },
    classification: 'public',
    storageProfile: 'onprem-darz',
  });
}

function record(value: Uint8Array, offset: number): ConsumedRecord {
  return { topic: 'stadtdaten.darmstadt.signatures', partition: 0, offset: String(offset), key: '', value, timestampMs: 0, headers: {} };
}

describe(SignatureRecorder.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'stadtdaten-signature-recorder-'));
  const logLines: Array<{ msg: string; offset?: string; observationId?: string }> = [];
  let keys: FileSigningKeyStore;
  let store: SqliteSignatureStore;
  let sut: SignatureRecorder;

  beforeAll(async () => {
    keys = await FileSigningKeyStore.open(join(dir, 'keys'));
    store = new SqliteSignatureStore({ path: join(dir, 'signatures.sqlite') });
    await store.connect();
    const logger = pino({ level: 'info' }, { write: (line: string) => logLines.push(JSON.parse(line)) });
    sut = new SignatureRecorder(store, new ProcessLogger(logger));
  });

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    logLines.length = 0;
  });

  /** Signs as the validator does and returns the observations as the storage writer decodes them. */
  async function signed(observations: Observation[]): Promise<{ event: Buffer; decoded: Observation[] }> {
    const { batch, leafHashes } = await new BatchSigner(keys).sign(observations);
    observations.forEach((observation, leafIndex) => (observation.signatureRef = signatureRef({ batchId: batch.batchId, leafIndex })));

    return {
      event: encodeSignatureBatchEvent('darmstadt', batch, leafHashes),
      decoded: observations.map((observation) => decodeObservation(encodeObservation(observation))),
    };
  }

  describe('storeBatches and storeObservations', () => {
    it('store what a verifying proof needs', async () => {
      const { event, decoded } = await signed([0, 1, 2, 3, 4].map(makeObservation));

      await sut.storeObservations(decoded);
      await sut.storeBatches([record(event, 1)]);

      const proof = await store.proof(decoded[3]!.id);
      expect(verifyObservation(proof!.observation, proof!.proof, proof!.batch, await keys.jwks())).toEqual({ ok: true });
      expect(logLines).toEqual([]);
    });

    it('skip and log a record that is no signatures event', async () => {
      const { event, decoded } = await signed([10, 11].map(makeObservation));

      await sut.storeBatches([record(Buffer.from('not json'), 7), record(event, 8)]);
      await sut.storeObservations(decoded);

      expect(logLines).toEqual([expect.objectContaining({ msg: 'signatures record skipped', offset: '7' })]);
      expect(await store.proof(decoded[1]!.id)).toBeDefined();
    });

    it('skip unsigned observations and log a malformed signatureRef', async () => {
      const { event, decoded } = await signed([20, 21].map(makeObservation));
      const unsigned = makeObservation(22);
      const malformed = makeObservation(23);
      malformed.signatureRef = 'batch-without-index';

      await sut.storeBatches([record(event, 9)]);
      await sut.storeObservations([unsigned, malformed, ...decoded]);

      expect(logLines).toEqual([expect.objectContaining({ msg: expect.stringContaining('not stored'), observationId: malformed.id })]);
      expect(await store.proof(unsigned.id)).toBeUndefined();
      expect(await store.proof(malformed.id)).toBeUndefined();
      expect(await store.proof(decoded[0]!.id)).toBeDefined();
    });
  });
});
