import { mkdir, readdir } from 'node:fs/promises';
import { AppError, ErrorCode, type ResultValue, type StoredObservation, isTenantId } from '@stadtdaten/contracts';
import type { RejectionStore } from '@stadtdaten/dead-letter';
import type { SignatureStore, SigningKeyStore } from '@stadtdaten/integrity';
import { EnvelopeCipher, observationContext } from '@stadtdaten/keys';
import type { DatastreamDto, RegistryService } from '@stadtdaten/registry';
import type { TimeSeriesStore } from '@stadtdaten/timeseries';
import { resultColumnType } from '../formats/observation-columns';
import { ParquetObservationWriter } from '../formats/parquet-observation.writer';
import { CsvObservationWriter } from '../formats/text-observation.writers';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';
import { ChecksummedFile, type ManifestFile, writeChecksummedText } from './checksummed-file';
import { writeDeadLetter } from './dead-letter-export';
import { EXPORT_FORMAT, EXPORT_VERSION, type ExportManifest, type ManifestDatastream } from './export-manifest';
import { ExportFiles, fileNameOf } from './export-paths';
import { type ExportedRegistry, writeRegistryFiles } from './registry-export';
import type { RegistryTables } from './registry-tables';
import { SignatureExport } from './signature-export';

/** Range read page by page; InfluxDB stores times from 1677 to 2262 only. */
const ALL_TIME = { fromMs: Date.UTC(1900, 0, 1), toMs: Date.UTC(2200, 0, 1) };

/** The stores an export reads, all of one platform. */
export interface TenantExportSources {
  registry: RegistryService;
  tables: RegistryTables;
  store: TimeSeriesStore;
  personalStore: TimeSeriesStore;
  rejections: RejectionStore;
  signatures: SignatureStore;
  signingKeys: SigningKeyStore;
  /** Needed only with `decrypt`. */
  cipher?: EnvelopeCipher;
}

export interface ExportProgress {
  observationsDone: number;
  observationsTotal: number;
  datastreamId?: string;
}

export interface TenantExportOptions {
  tenant: string;
  /** Folder to write; it must not exist or be empty. */
  outDir: string;
  /** Exports the observations of personal datastreams (as ciphertext unless `decrypt`). */
  includePersonal?: boolean;
  /** Writes personal results in clear; needs `cipher`. */
  decrypt?: boolean;
  /** Observations per store query, Parquet row group and CSV write. Default 5000. */
  pageSize?: number;
  onProgress?: (progress: ExportProgress) => void;
  /** UTC epoch milliseconds written as the export time. */
  nowMs?: number;
}

/**
 * Writes everything of one tenant into a folder in open formats (layout in the README of this
 * library) and returns the manifest it wrote last. Reads every store page by page, so memory
 * contains one page of observations, the registry and the list of signed batches.
 */
export async function exportTenant(sources: TenantExportSources, options: TenantExportOptions): Promise<ExportManifest> {
  const { tenant, outDir } = options;
  const includePersonal = options.includePersonal ?? false;
  const decrypt = options.decrypt ?? false;
  const pageSize = options.pageSize ?? 5000;
  await checkExportRequest(sources, options);
  await prepareEmptyFolder(outDir);

  const registry = await readRegistry(sources, tenant, includePersonal);
  const files: ManifestFile[] = await writeRegistryFiles(outDir, registry);
  const exported = registry.datastreams.filter((datastream) => includePersonal || datastream.classification !== 'personal');
  const total = await countObservations(sources, exported);
  const progress: ExportProgress = { observationsDone: 0, observationsTotal: total };
  options.onProgress?.(progress);

  const signatures = await SignatureExport.create(outDir, tenant, sources.signatures);
  const datastreams: ManifestDatastream[] = [];
  for (const datastream of exported) {
    const result = await exportDatastream(sources, datastream, { outDir, decrypt, pageSize, signatures, progress, onProgress: options.onProgress });
    datastreams.push(result.entry);
    files.push(...result.files);
  }

  const signatureFiles = await signatures.finish(sources.signingKeys);
  files.push(...signatureFiles.files);
  const deadLetter = await writeDeadLetter(outDir, sources.rejections, tenant);
  files.push(deadLetter.file);

  const manifest: ExportManifest = {
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    tenant,
    createdAt: new Date(options.nowMs ?? Date.now()).toISOString(),
    includesPersonal: includePersonal,
    decrypted: includePersonal && decrypt,
    counts: {
      things: registry.things.length,
      devices: registry.devices.length,
      deviceTypes: registry.deviceTypes.length,
      observedProperties: registry.observedProperties.length,
      datastreams: registry.datastreams.length,
      exportedDatastreams: datastreams.length,
      observations: progress.observationsDone,
      signedObservations: signatures.signedObservations,
      signedBatches: signatureFiles.batches,
      rejections: deadLetter.count,
    },
    datastreams,
    files,
  };
  await writeChecksummedText(outDir, ExportFiles.MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);

  return manifest;
}

async function checkExportRequest(sources: TenantExportSources, options: TenantExportOptions): Promise<void> {
  if (!isTenantId(options.tenant)) {
    throw new AppError(
      ErrorCode.VALIDATION_FAILED,
      `invalid tenant id ${JSON.stringify(options.tenant)}: use 2 to 63 lower-case letters, digits and dashes, starting with a letter`,
    );
  }
  if (options.decrypt && !options.includePersonal) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, '--decrypt only applies to personal datastreams: add --include-personal');
  }
  if (options.decrypt && sources.cipher === undefined) {
    throw new AppError(ErrorCode.VALIDATION_FAILED, 'decrypting personal data needs the key store of the platform (keys/ in the data folder, or STADTDATEN_KEK_FILE)');
  }
  if ((await sources.registry.getTenant(options.tenant)) === undefined) {
    throw new AppError(ErrorCode.NOT_FOUND, `tenant "${options.tenant}" not found in this platform; list tenants with GET /api/v1/tenants`);
  }
}

async function prepareEmptyFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o750 });
  const entries = await readdir(dir);
  if (entries.length > 0) {
    throw new OpenDataError(
      OpenDataErrorCode.EXPORT_TARGET_NOT_EMPTY,
      `${dir} is not empty (${entries.length} entries); an export needs a new or empty folder, so that no old file passes for part of it`,
    );
  }
}

async function readRegistry(sources: TenantExportSources, tenant: string, includePersonal: boolean): Promise<ExportedRegistry> {
  const { registry, tables } = sources;
  const datastreams = await registry.listDatastreams(tenant);
  const deviceTypes = await tables.deviceTypes(tenant);
  const propertyIds = [
    ...datastreams.map((datastream) => datastream.observedProperty.id),
    ...deviceTypes.flatMap((type) => type.fields.map((field) => field.observedProperty)),
  ];
  // NOTE: owner pseudonyms are personal data (GDPR art. 4(5)), so they are left out unless personal data is exported.
  const devices = (await registry.listDevices(tenant)).map((device) => (includePersonal ? device : { ...device, ownerPseudonym: null }));

  return {
    tenant: (await registry.getTenant(tenant))!,
    things: await registry.listThings(tenant),
    devices,
    datastreams,
    deviceTypes,
    observedProperties: await tables.observedProperties([...new Set(propertyIds)]),
  };
}

async function countObservations(sources: TenantExportSources, datastreams: DatastreamDto[]): Promise<number> {
  let total = 0;
  for (const datastream of datastreams) {
    total += await storeOf(sources, datastream).count(datastream.tenant, datastream.id);
  }

  return total;
}

function storeOf(sources: TenantExportSources, datastream: DatastreamDto): TimeSeriesStore {
  return datastream.classification === 'personal' ? sources.personalStore : sources.store;
}

interface DatastreamExportContext {
  outDir: string;
  decrypt: boolean;
  pageSize: number;
  signatures: SignatureExport;
  progress: ExportProgress;
  onProgress?: (progress: ExportProgress) => void;
}

/** Writes one datastream's Parquet and CSV files in one pass over the store, and adds its proofs. */
async function exportDatastream(
  sources: TenantExportSources,
  datastream: DatastreamDto,
  context: DatastreamExportContext,
): Promise<{ entry: ManifestDatastream; files: ManifestFile[] }> {
  const personal = datastream.classification === 'personal';
  const encrypted = personal && !context.decrypt;
  const info = { id: datastream.id, unit: datastream.unit.code, resultType: resultColumnType(datastream.valueSchema.type, encrypted) };
  const base = `${ExportFiles.OBSERVATIONS_DIR}/${fileNameOf(datastream.id)}`;
  const parquetFile = await ChecksummedFile.create(context.outDir, `${base}.parquet`);
  const csvFile = await ChecksummedFile.create(context.outDir, `${base}.csv`);
  const parquet = new ParquetObservationWriter(info, parquetFile.sink);
  const csv = new CsvObservationWriter(info, csvFile.sink);

  let count = 0;
  let firstMs: number | undefined;
  let lastMs: number | undefined;
  for await (const stored of pagesOf(storeOf(sources, datastream), datastream, context.pageSize)) {
    const page = personal && context.decrypt ? await decryptPage(sources.cipher!, stored) : stored;
    await parquet.writePage(page);
    await csv.writePage(page);
    await context.signatures.addPage(stored.map((row) => row.id));
    count += page.length;
    firstMs ??= page[0].phenomenonTimeMs;
    lastMs = page[page.length - 1].phenomenonTimeMs;
    context.progress.observationsDone += page.length;
    context.progress.datastreamId = datastream.id;
    context.onProgress?.(context.progress);
  }
  await parquet.finish();
  await csv.finish();

  const entry: ManifestDatastream = {
    id: datastream.id,
    classification: datastream.classification,
    observations: count,
    parquet: `${base}.parquet`,
    csv: `${base}.csv`,
    resultType: info.resultType,
    encrypted,
    ...(firstMs === undefined ? {} : { firstPhenomenonTime: new Date(firstMs).toISOString() }),
    ...(lastMs === undefined ? {} : { lastPhenomenonTime: new Date(lastMs).toISOString() }),
  };

  return { entry, files: [await parquetFile.close(), await csvFile.close()] };
}

/** Yields a datastream's observations oldest first, `pageSize` at a time. */
async function* pagesOf(store: TimeSeriesStore, datastream: DatastreamDto, pageSize: number): AsyncGenerator<StoredObservation[]> {
  let cursor = ALL_TIME.fromMs;
  for (;;) {
    const page = await store.query({ tenant: datastream.tenant, datastreamId: datastream.id, fromMs: cursor, toMs: ALL_TIME.toMs, limit: pageSize, order: 'asc' });
    if (page.length > 0) {
      yield page;
    }
    if (page.length < pageSize) {
      return;
    }
    // Phenomenon times are unique per datastream (the observation id derives from them).
    cursor = page[page.length - 1].phenomenonTimeMs + 1;
  }
}

async function decryptPage(cipher: EnvelopeCipher, page: StoredObservation[]): Promise<StoredObservation[]> {
  const decrypted: StoredObservation[] = [];
  for (const row of page) {
    if (typeof row.result !== 'string' || !EnvelopeCipher.isEnvelope(row.result)) {
      decrypted.push(row);
      continue;
    }
    const plain = await cipher.decrypt(row.tenant, row.result, observationContext(row.datastreamId, row.phenomenonTimeMs));
    decrypted.push({ ...row, result: JSON.parse(plain) as ResultValue });
  }

  return decrypted;
}
