import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@stadtdaten/contracts';
import { ENVELOPE_PREFIX } from '@stadtdaten/keys';
import { verifyExportDirectory } from '@stadtdaten/integrity';
import { parquetMetadata } from 'hyparquet';
import type { ExportManifest } from '../src/export/export-manifest';
import { exportTenant } from '../src/export/tenant-exporter';
import { compareRegistry } from '../src/import/registry-restore';
import { importTenant } from '../src/import/tenant-importer';
import { OpenDataErrorCode } from '../src/opendata.errors';
import { type PlatformStores, allObservations, makeRejection, openPlatformStores, storeSigned } from './platform-stores';

const TYPE_FIELDS = `
      - { field: fill, observedProperty: fill_level, unit: "%", type: number, min: 0, max: 100 }`;

const catalog = (fields: string) => `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: fill_level, name: Füllstand, definition: "urn:stadtdaten:property:fill_level" }
  - { id: air_temperature, name: Lufttemperatur, definition: "http://vocabs.lter-europe.net/EnvThes/22035" }
deviceTypes:
  - id: glass-sensor
    tenant: darmstadt
    name: Glass container sensor
    payloadFormat: json
    timeZone: Europe/Berlin
    fields:${fields}
things:
  - { tenant: darmstadt, id: container-1, name: Container 1, useCase: waste, location: { type: Point, coordinates: [8.65, 49.87] }, properties: { district: Mitte } }
  - { tenant: darmstadt, id: "Hof:2", name: Hof 2, useCase: other, location: { type: Polygon, coordinates: [[[8.6, 49.8], [8.7, 49.8], [8.7, 49.9], [8.6, 49.8]]] } }
devices:
  - { tenant: darmstadt, id: glass-public, type: glass-sensor, thing: container-1, classification: public, retentionDays: 365 }
  - { tenant: darmstadt, id: "glass:internal", type: glass-sensor, thing: "Hof:2", classification: internal }
  - { tenant: darmstadt, id: glass-personal, type: glass-sensor, thing: container-1, classification: personal, ownerPseudonym: psn_AAAAAAAAAAAAAAAAAAAAAA }
`;

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 1);

const series = (count: number, value: (index: number) => number | string = (index) => index % 101) =>
  Array.from({ length: count }, (_, index) => ({ timeMs: START + index * HOUR, result: value(index) }));

describe('tenant export and import', () => {
  let root: string;
  let source: PlatformStores;

  /** Builds a platform folder: three devices, a removed field, patched datastreams, signed observations and rejections. */
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'opendata-export-'));
    source = await openPlatformStores(join(root, 'source'));
    const { registry } = source;
    await registry.applyCatalog(registry.parseCatalog(catalog(`${TYPE_FIELDS}\n      - { field: temp, observedProperty: air_temperature, unit: Cel, type: number }`)));
    const temp = (await registry.getDatastream('darmstadt', 'glass-public.temp'))!;
    await storeSigned(source, temp, series(5, (index) => 10 + index / 2));
    await registry.applyCatalog(registry.parseCatalog(catalog(TYPE_FIELDS)));
    await registry.patchDatastream('darmstadt', 'glass-public.fill', { retentionDays: null, description: 'Füllstand in Prozent' });
    await registry.patchDatastream('darmstadt', 'glass:internal.fill', { valueSchema: { type: 'number', min: 0, max: 120 } });

    await storeSigned(source, (await registry.getDatastream('darmstadt', 'glass-public.fill'))!, series(23), 10);
    await storeSigned(source, (await registry.getDatastream('darmstadt', 'glass:internal.fill'))!, series(7, (index) => (index === 3 ? 'defekt' : index)));
    await storeSigned(source, (await registry.getDatastream('darmstadt', 'glass-personal.fill'))!, series(4, (index) => 50 + index));
    await source.rejections.write([0, 1, 2].map((index) => makeRejection('darmstadt', index, START + (index === 2 ? 0 : HOUR))));
  });

  afterAll(async () => {
    await source.close();
    rmSync(root, { recursive: true, force: true });
  });

  async function runExport(name: string, options: { includePersonal?: boolean; decrypt?: boolean; pageSize?: number } = {}) {
    const tables = await source.tables();
    const outDir = join(root, name);
    try {
      const manifest = await exportTenant({ ...source, tables }, { tenant: 'darmstadt', outDir, ...options });

      return { outDir, manifest };
    } finally {
      await tables.close();
    }
  }

  async function runImport(name: string, dir: string, options: { allowUnsigned?: boolean } = {}) {
    const target = await openPlatformStores(join(root, name));
    const report = await importTenant(target, { dir, ...options }).catch(async (error: unknown) => {
      await target.close();
      throw error;
    });

    return { target, report };
  }

  const lines = (file: string) => readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));

  /** Replaces a file of an export and its manifest entry, as someone who changes an export on purpose would. */
  function replaceExportFile(outDir: string, path: string, text: string): void {
    writeFileSync(join(outDir, path), text);
    const manifest = JSON.parse(readFileSync(join(outDir, 'manifest.json'), 'utf8')) as ExportManifest;
    const entry = manifest.files.find((file) => file.path === path)!;
    entry.bytes = Buffer.byteLength(text);
    entry.sha256 = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(manifest));
  }

  describe('export', () => {
    let outDir: string;
    let manifest: ExportManifest;

    beforeAll(async () => {
      ({ outDir, manifest } = await runExport('default', { pageSize: 10 }));
    });

    it('lists every file with its SHA-256', () => {
      const listed = manifest.files.map((file) => file.path).sort();

      expect(listed).toEqual(expect.arrayContaining(['registry/things.json', 'locations.geojson', 'signatures/jwks.json', 'dead-letter/rejections.jsonl']));
      for (const file of manifest.files) {
        const bytes = readFileSync(join(outDir, file.path));
        expect({ path: file.path, bytes: bytes.byteLength }).toEqual({ path: file.path, bytes: file.bytes });
      }
    });

    it('counts what it wrote', () => {
      expect(manifest.counts).toMatchObject({ things: 2, devices: 3, datastreams: 6, exportedDatastreams: 4, observations: 35, signedObservations: 35, rejections: 3 });
    });

    it('passes verify', async () => {
      const report = await verifyExportDirectory(outDir);

      expect(report).toMatchObject({ verified: 35, failed: 0, failedBatches: 0 });
    });

    it('writes a row group per page', () => {
      const entry = manifest.datastreams.find((datastream) => datastream.id === 'glass-public.fill')!;
      const bytes = readFileSync(join(outDir, entry.parquet));
      const metadata = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

      expect(metadata.row_groups.map((group) => Number(group.num_rows))).toEqual([10, 10, 3]);
    });

    it('names the unit in the CSV header', () => {
      const entry = manifest.datastreams.find((datastream) => datastream.id === 'glass-public.fill')!;

      expect(readFileSync(join(outDir, entry.csv), 'utf8').split('\r\n')[0]).toContain('result [%]');
    });

    it('leaves personal observations and pseudonyms out', () => {
      expect(manifest.datastreams.map((datastream) => datastream.id)).not.toContain('glass-personal.fill');
      expect(lines(join(outDir, 'signatures/observations.jsonl')).map((line) => line.datastreamId)).not.toContain('glass-personal.fill');
      expect(JSON.parse(readFileSync(join(outDir, 'registry/devices.json'), 'utf8')).map((device: { ownerPseudonym: unknown }) => device.ownerPseudonym)).toEqual([null, null, null]);
    });

    it('encodes ids into safe file names', () => {
      expect(readdirSync(join(outDir, 'observations')).sort()).toEqual(
        ['glass%3Ainternal.fill', 'glass%3Ainternal.temp', 'glass-public.fill', 'glass-public.temp'].flatMap((name) => [`${name}.csv`, `${name}.parquet`]).sort(),
      );
    });

    it('writes the things as GeoJSON', () => {
      const locations = JSON.parse(readFileSync(join(outDir, 'locations.geojson'), 'utf8'));

      expect(locations.features.map((feature: { id: string; geometry: { type: string } }) => [feature.id, feature.geometry.type])).toEqual([
        ['Hof:2', 'Polygon'],
        ['container-1', 'Point'],
      ]);
    });

    it('writes the dead letter newest first', () => {
      expect(lines(join(outDir, 'dead-letter/rejections.jsonl')).map((rejection) => rejection.id)).toEqual(['rej-0', 'rej-1', 'rej-2']);
    });
  });

  describe('personal data', () => {
    it('exports ciphertext with --include-personal', async () => {
      const { outDir, manifest } = await runExport('personal', { includePersonal: true });
      const entry = manifest.datastreams.find((datastream) => datastream.id === 'glass-personal.fill')!;
      const csvRows = readFileSync(join(outDir, entry.csv), 'utf8').trim().split('\r\n').slice(1);

      expect(entry).toMatchObject({ encrypted: true, observations: 4, resultType: 'string' });
      expect(csvRows.every((row) => row.split(',')[4].startsWith(`${ENVELOPE_PREFIX}.`))).toBe(true);
      expect((await verifyExportDirectory(outDir)).failed).toBe(0);
      expect(JSON.parse(readFileSync(join(outDir, 'registry/devices.json'), 'utf8')).map((device: { ownerPseudonym: unknown }) => device.ownerPseudonym)).toContain('psn_AAAAAAAAAAAAAAAAAAAAAA');
    });

    it('exports clear values with --decrypt', async () => {
      const { outDir, manifest } = await runExport('decrypted', { includePersonal: true, decrypt: true });
      const entry = manifest.datastreams.find((datastream) => datastream.id === 'glass-personal.fill')!;
      const values = readFileSync(join(outDir, entry.csv), 'utf8').trim().split('\r\n').slice(1).map((row) => row.split(',')[4]);

      expect(manifest.decrypted).toBe(true);
      expect(values).toEqual(['50', '51', '52', '53']);
    });

    it('rejects --decrypt without --include-personal', async () => {
      await expect(runExport('decrypt-only', { decrypt: true })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
    });

    it('encrypts decrypted personal data again on import', async () => {
      const { outDir } = await runExport('decrypted-for-import', { includePersonal: true, decrypt: true });
      const { target } = await runImport('target-personal', outDir);
      try {
        const [row] = await target.personalStore.query({ tenant: 'darmstadt', datastreamId: 'glass-personal.fill', fromMs: 0, toMs: Date.UTC(2200, 0, 1), limit: 1 });
        const context = `observation\u0000glass-personal.fill\u0000${row.phenomenonTimeMs}`;

        expect(String(row.result).startsWith(`${ENVELOPE_PREFIX}.`)).toBe(true);
        expect(await target.cipher.decrypt('darmstadt', String(row.result), context)).toBe('50');
      } finally {
        await target.close();
      }
    });
  });

  describe('import', () => {
    it('restores registry, observations and dead letter', async () => {
      const { outDir, manifest } = await runExport('roundtrip', { includePersonal: true, pageSize: 6 });
      const { target, report } = await runImport('target-roundtrip', outDir);
      try {
        const exported = {
          tenant: (await source.registry.getTenant('darmstadt'))!,
          things: await source.registry.listThings('darmstadt'),
          devices: await source.registry.listDevices('darmstadt'),
          datastreams: await source.registry.listDatastreams('darmstadt'),
          deviceTypes: [],
          observedProperties: [],
        };

        expect(report).toMatchObject({ observations: manifest.counts.observations, rejections: 3 });
        expect(await compareRegistry(target.registry, exported)).toEqual([]);
        expect(await allObservations(target, target.registry, 'darmstadt')).toEqual(await allObservations(source, source.registry, 'darmstadt'));
        expect((await target.rejections.list({ tenant: 'darmstadt', limit: 10 })).items).toEqual((await source.rejections.list({ tenant: 'darmstadt', limit: 10 })).items);
      } finally {
        await target.close();
      }
    });

    it('restores the retired datastream of a removed field', async () => {
      const { outDir } = await runExport('orphan');
      const { target } = await runImport('target-orphan', outDir);
      try {
        expect(await target.registry.getDatastream('darmstadt', 'glass-public.temp')).toMatchObject({ retired: true, unit: { code: 'Cel' } });
        expect(await target.store.count('darmstadt', 'glass-public.temp')).toBe(5);
      } finally {
        await target.close();
      }
    });

    it('rejects a changed file before it writes anything', async () => {
      const { outDir, manifest } = await runExport('tampered');
      const entry = manifest.datastreams[0];
      const csvPath = join(outDir, entry.csv);
      writeFileSync(csvPath, readFileSync(csvPath, 'utf8').replace(/,(\d+),,onprem/, ',99,,onprem'));

      await expect(runImport('target-tampered', outDir)).rejects.toMatchObject({ code: OpenDataErrorCode.CHECKSUM_MISMATCH, message: expect.stringContaining(entry.csv) });
      const target = await openPlatformStores(join(root, 'target-tampered'));
      expect(await target.registry.getTenant('darmstadt')).toBeUndefined();
      await target.close();
    });

    it('rejects a manifest path outside the folder', async () => {
      const { outDir, manifest } = await runExport('traversal');
      writeFileSync(join(root, 'outside.txt'), 'not part of the export');
      const evil = { ...manifest, files: [...manifest.files, { path: '../outside.txt', bytes: 22, sha256: 'x' }] };
      writeFileSync(join(outDir, 'manifest.json'), JSON.stringify(evil));

      await expect(runImport('target-traversal', outDir)).rejects.toMatchObject({ code: OpenDataErrorCode.INVALID_EXPORT });
    });

    it('rejects a platform that has the tenant', async () => {
      const { outDir } = await runExport('twice');
      const { target } = await runImport('target-twice', outDir);
      await target.close();

      await expect(runImport('target-twice', outDir)).rejects.toMatchObject({ code: OpenDataErrorCode.IMPORT_TARGET_NOT_EMPTY });
    });
  });

  describe('signatures', () => {
    it('restores every proof of the export', async () => {
      const { outDir, manifest } = await runExport('proofs', { includePersonal: true });
      const { target, report } = await runImport('target-proofs', outDir);
      try {
        const ids = lines(join(outDir, 'signatures/observations.jsonl')).map((line) => line.id as string);

        expect(ids).toHaveLength(manifest.counts.signedObservations);
        expect(report.signatures).toMatchObject({ observations: ids.length, batches: manifest.counts.signedBatches, failedLines: 0, failedBatches: 0, unsigned: 0 });
        expect(await target.signatures.proofs(ids)).toEqual(await source.signatures.proofs(ids));
      } finally {
        await target.close();
      }
    });

    it('publishes the old keys for verification only', async () => {
      const { outDir } = await runExport('keys');
      const { target, report } = await runImport('target-keys', outDir);
      try {
        const oldKeyId = (await source.signingKeys.activeKey()).keyId;
        const published = (await target.signingKeys.jwks()).keys.map((key) => key.kid);

        expect(report.signatures.keyIds).toEqual([oldKeyId]);
        expect(published).toContain(oldKeyId);
        expect((await target.signingKeys.activeKey()).keyId).not.toBe(oldKeyId);
        expect((await target.signingKeys.rotate()).keyId).not.toBe(oldKeyId);
      } finally {
        await target.close();
      }
    });

    it('passes verify in a fresh export of the target', async () => {
      const { outDir, manifest } = await runExport('reexport-source');
      const { target } = await runImport('target-reexport', outDir);
      try {
        const tables = await target.tables();
        const reexported = join(root, 'reexport');
        const second = await exportTenant({ ...target, tables }, { tenant: 'darmstadt', outDir: reexported }).finally(() => tables.close());

        expect(second.counts.signedObservations).toBe(manifest.counts.signedObservations);
        expect(await verifyExportDirectory(reexported)).toMatchObject({ verified: manifest.counts.signedObservations, failed: 0, failedBatches: 0 });
        expect(readFileSync(join(reexported, 'signatures/observations.jsonl'), 'utf8')).toBe(readFileSync(join(outDir, 'signatures/observations.jsonl'), 'utf8'));
      } finally {
        await target.close();
      }
    });

    it('rejects a changed signed value before it writes anything', async () => {
      const { outDir } = await runExport('changed-signature');
      const path = 'signatures/observations.jsonl';
      const records = lines(join(outDir, path));
      records[4].result.value += 1;
      replaceExportFile(outDir, path, records.map((record) => `${JSON.stringify(record)}\n`).join(''));

      await expect(runImport('target-changed-signature', outDir)).rejects.toMatchObject({
        code: OpenDataErrorCode.SIGNATURE_MISMATCH,
        message: expect.stringContaining(`1 of ${records.length} signature lines`),
      });
      const target = await openPlatformStores(join(root, 'target-changed-signature'));
      expect(await target.registry.getTenant('darmstadt')).toBeUndefined();
      expect(await target.signatures.batches('darmstadt')).toEqual([]);
      await target.close();
    });

    describe('of a changed value', () => {
      let changed: PlatformStores;
      let outDir: string;
      let changedId: string;

      /** Stores signed values, then changes one in the time-series store, as an edit of the database after signing would. */
      beforeAll(async () => {
        changed = await openPlatformStores(join(root, 'changed-source'));
        await changed.registry.applyCatalog(changed.registry.parseCatalog(catalog(TYPE_FIELDS)));
        const datastream = (await changed.registry.getDatastream('darmstadt', 'glass-public.fill'))!;
        await storeSigned(changed, datastream, series(12), 5);
        const [row] = await changed.store.query({ tenant: 'darmstadt', datastreamId: datastream.id, fromMs: START + 3 * HOUR, toMs: START + 4 * HOUR, limit: 1 });
        changedId = row.id;
        await changed.store.write([{ ...row, result: 99, retentionDays: datastream.retentionDays }]);
        const tables = await changed.tables();
        outDir = join(root, 'changed-value');
        await exportTenant({ ...changed, tables }, { tenant: 'darmstadt', outDir }).finally(() => tables.close());
      });

      afterAll(() => changed.close());

      it('stops the import', async () => {
        await expect(runImport('target-changed-value', outDir)).rejects.toMatchObject({
          code: OpenDataErrorCode.SIGNATURE_MISMATCH,
          message: expect.stringContaining('1 of 12 signature lines and 0 batches fail, 11 lines match'),
        });
      });

      it('imports the value without a proof when allowed', async () => {
        const { target, report } = await runImport('target-allow-unsigned', outDir, { allowUnsigned: true });
        try {
          const [problem] = report.signatures.problems;

          expect(report.signatures).toMatchObject({ observations: 11, failedLines: 1, unsigned: 1 });
          expect(problem).toMatchObject({ reason: 'VALUE_MISMATCH', observationId: changedId });
          expect(await target.signatures.proof(changedId)).toBeUndefined();
          // The changed value's leaf is missing from its batch, so the other proofs of that batch come from a partial tree.
          const others = lines(join(outDir, 'signatures/observations.jsonl')).map((line) => line.id as string).filter((id) => id !== changedId);
          expect(await target.signatures.proofs(others)).toEqual(await changed.signatures.proofs(others));
          expect((await target.store.query({ tenant: 'darmstadt', datastreamId: 'glass-public.fill', fromMs: START + 3 * HOUR, toMs: START + 4 * HOUR, limit: 1 }))[0].result).toBe(99);
        } finally {
          await target.close();
        }
      });
    });
  });

  describe('export target', () => {
    it('rejects a folder with files', async () => {
      await expect(runExport('default')).rejects.toMatchObject({ code: OpenDataErrorCode.EXPORT_TARGET_NOT_EMPTY });
    });

    it('rejects a tenant id that is a path', async () => {
      const tables = await source.tables();
      const outDir = join(root, 'bad-tenant');
      await expect(exportTenant({ ...source, tables }, { tenant: '../source', outDir })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await tables.close();

      expect(existsSync(outDir)).toBe(false);
    });
  });
});
