import { join } from 'node:path';
import { Clock, type StoredObservation, createObservation, observationId, toResultCase } from '@stadtdaten/contracts';
import { SqliteRejectionStore, type StoredRejection } from '@stadtdaten/dead-letter';
import {
  BatchSigner,
  FileSigningKeyStore,
  SqliteSignatureStore,
  decodeSignatureBatchEvent,
  encodeSignatureBatchEvent,
  signatureRef,
  signedObservationOf,
} from '@stadtdaten/integrity';
import { EnvelopeCipher, KeyEncryptionKey, SqliteTenantKeyRepository, TenantKeys, observationContext } from '@stadtdaten/keys';
import { type DatastreamDto, type RegistryService, openRegistry } from '@stadtdaten/registry';
import { SqliteTimeSeriesStore } from '@stadtdaten/timeseries';
import { RegistryTables } from '../src/export/registry-tables';

/** Opens the embedded stores of one platform data folder directly, without Nest. */
export async function openPlatformStores(dir: string) {
  const registryPath = join(dir, 'registry.sqlite');
  const registry = await openRegistry({ type: 'sqlite', path: registryPath });
  const store = new SqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite') });
  const personalStore = new SqliteTimeSeriesStore({ path: join(dir, 'timeseries-personal.sqlite') });
  const rejections = new SqliteRejectionStore({ path: join(dir, 'rejections.sqlite') });
  const signatures = new SqliteSignatureStore({ path: join(dir, 'signatures.sqlite') });
  await Promise.all([store.connect(), personalStore.connect(), rejections.connect(), signatures.connect()]);
  const signingKeys = await FileSigningKeyStore.open(join(dir, 'keys', 'integrity'));
  const keys = new TenantKeys(new SqliteTenantKeyRepository(join(dir, 'keys', 'tenant-keys.sqlite')), KeyEncryptionKey.openOrCreate(join(dir, 'keys', 'kek.key')).kek, new Clock());
  const cipher = new EnvelopeCipher(keys);

  return {
    registry,
    store,
    personalStore,
    rejections,
    signatures,
    signingKeys,
    keys,
    cipher,
    tables: () => RegistryTables.open(registryPath),
    async close() {
      await Promise.all([registry.close(), store.close(), personalStore.close(), rejections.close(), signatures.close(), keys.close()]);
    },
  };
}

export type PlatformStores = Awaited<ReturnType<typeof openPlatformStores>>;

/**
 * Stores observations as the pipeline does: personal results encrypted, every observation
 * signed in batches of `batchSize`, and the batches and signed observations saved in the
 * signature store.
 */
export async function storeSigned(
  stores: PlatformStores,
  datastream: DatastreamDto,
  values: Array<{ timeMs: number; result: StoredObservation['result'] }>,
  batchSize = 10,
): Promise<void> {
  const signer = new BatchSigner(stores.signingKeys);
  const personal = datastream.classification === 'personal';
  const rows: StoredObservation[] = [];
  for (const { timeMs, result } of values) {
    const stored = personal
      ? await stores.cipher.encrypt(datastream.tenant, JSON.stringify(result), observationContext(datastream.id, timeMs))
      : result;
    rows.push({
      id: observationId(datastream.tenant, datastream.id, timeMs),
      tenant: datastream.tenant,
      datastreamId: datastream.id,
      phenomenonTimeMs: timeMs,
      resultTimeMs: timeMs + 100,
      receivedAtMs: timeMs + 500,
      result: stored,
      qualityFlags: [],
      storageProfile: datastream.storageProfile,
      retentionDays: datastream.retentionDays,
    });
  }
  await (personal ? stores.personalStore : stores.store).write(rows);

  for (let start = 0; start < rows.length; start += batchSize) {
    const chunk = rows.slice(start, start + batchSize);
    const events = chunk.map((row) =>
      createObservation({
        id: row.id,
        tenant: row.tenant,
        datastreamId: row.datastreamId,
        thingId: datastream.thingId,
        deviceId: datastream.deviceId,
        observedProperty: datastream.observedProperty.id,
        unit: datastream.unit.code,
        phenomenonTimeMs: row.phenomenonTimeMs,
        resultTimeMs: row.resultTimeMs,
        receivedAtMs: row.receivedAtMs,
        result: toResultCase(row.result),
        classification: datastream.classification,
        storageProfile: row.storageProfile,
      }),
    );
    const { batch, leafHashes } = await signer.sign(events);
    events.forEach((event, leafIndex) => (event.signatureRef = signatureRef({ batchId: batch.batchId, leafIndex })));
    await stores.signatures.saveBatch(decodeSignatureBatchEvent(encodeSignatureBatchEvent(datastream.tenant, batch, leafHashes)));
    await stores.signatures.saveObservations(events.map((event) => signedObservationOf(event)!));
  }
}

export function makeRejection(tenant: string, index: number, receivedAtMs: number): StoredRejection {
  return {
    id: `rej-${index}`,
    tenant,
    reasonCode: 'OUT_OF_RANGE',
    detail: `value ${index} is above the maximum`,
    deviceId: 'glass-public',
    field: 'fill',
    entryIndex: 0,
    topic: `stadtdaten/${tenant}/glass-public/up`,
    sourceProtocol: 'mqtt',
    format: 'json',
    contentType: 'application/json',
    receivedAtMs,
    rejectedAtMs: receivedAtMs + 5,
    payloadBase64: Buffer.from(JSON.stringify({ fill: 1000 + index })).toString('base64'),
    validatorVersion: '0.1.0',
  };
}

/** Reads every observation of a tenant's datastreams, per datastream, oldest first. */
export async function allObservations(stores: PlatformStores, registry: RegistryService, tenant: string) {
  const result: Record<string, StoredObservation[]> = {};
  for (const datastream of await registry.listDatastreams(tenant)) {
    const store = datastream.classification === 'personal' ? stores.personalStore : stores.store;
    result[datastream.id] = (await store.query({ tenant, datastreamId: datastream.id, fromMs: 0, toMs: Date.UTC(2200, 0, 1) })).map(
      ({ retentionDays: _unused, ...row }) => row as StoredObservation,
    );
  }

  return result;
}
