import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { StoredObservation } from '@stadtdaten/contracts';
import type { RejectionStore, StoredRejection } from '@stadtdaten/dead-letter';
import type { SignatureStore, SigningKeyStore } from '@stadtdaten/integrity';
import { type EnvelopeCipher, observationContext } from '@stadtdaten/keys';
import type { DatastreamDto, RegistryService } from '@stadtdaten/registry';
import type { TimeSeriesStore } from '@stadtdaten/timeseries';
import { type ExportManifest, type ManifestDatastream, verifyExportManifest } from '../export/export-manifest';
import { ExportFiles, resolveInside } from '../export/export-paths';
import type { ExportedRegistry } from '../export/registry-export';
import { readParquetObservations } from '../formats/parquet-observation.reader';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';
import { restoreRegistry } from './registry-restore';
import { type SignatureCheck, type SignatureProblem, checkExportSignatures } from './signature-check';
import { SignedObservationLines, restoreBatches } from './signature-restore';

/** The stores of the platform an export is imported into. */
export interface TenantImportTargets {
  registry: RegistryService;
  store: TimeSeriesStore;
  personalStore: TimeSeriesStore;
  rejections: RejectionStore;
  signatures: SignatureStore;
  /** Receives the export's public keys for verification only; the target keeps signing with its own active key. */
  signingKeys: SigningKeyStore;
  /** Encrypts personal results of an export written with --decrypt; without it such an import fails. */
  cipher?: EnvelopeCipher;
}

export interface ImportProgress {
  phase: 'checksums' | 'signatures' | 'registry' | 'observations' | 'dead-letter';
  done: number;
  total: number;
}

export interface TenantImportOptions {
  dir: string;
  /**
   * Imports an export whose signatures do not all match its observations: the observations
   * of failing lines are stored without a proof and counted. Without it such an import stops
   * before it writes anything.
   */
  allowUnsigned?: boolean;
  onProgress?: (progress: ImportProgress) => void;
}

/** Outcome of restoring the signatures of an export. */
export interface SignatureImportReport {
  /** Signed batches stored, with their trees. */
  batches: number;
  /** Observations whose proof was stored. */
  observations: number;
  /** Ids of the public keys of the stored batches, published for verification only. */
  keyIds: string[];
  /** Imported observations without a proof: stored while signing was off, or listed in `failedLines` or `decrypted`. */
  unsigned: number;
  /** Signature lines that failed verification or differ from their observation (imported only with allowUnsigned). */
  failedLines: number;
  /** Batches whose signature or key failed (imported only with allowUnsigned). */
  failedBatches: number;
  /** Signature lines of personal datastreams exported with --decrypt, which cover ciphertext that the export does not contain. */
  decrypted: number;
  /** The first problems behind `failedLines` and `failedBatches`. */
  problems: SignatureProblem[];
}

export interface ImportReport {
  tenant: string;
  datastreams: number;
  observations: number;
  rejections: number;
  signatures: SignatureImportReport;
}

const REJECTION_PAGE = 1000;

/**
 * Imports an export folder into a platform that does not have the tenant yet. Checks every
 * checksum of the manifest and every signature against the observations before it changes
 * anything. Then restores the registry, the signed batches with the public keys that signed
 * them, the observations with their proofs (one Parquet row group at a time) and the dead
 * letter, and finally compares the stored counts with the manifest. Throws SIGNATURE_MISMATCH
 * when a signature fails, unless `allowUnsigned` is set.
 */
export async function importTenant(targets: TenantImportTargets, options: TenantImportOptions): Promise<ImportReport> {
  const { dir } = options;
  const manifest = await verifyExportManifest(dir, (done, total) => options.onProgress?.({ phase: 'checksums', done, total }));
  await requireEmptyTarget(targets, manifest);
  if (manifest.decrypted && manifest.datastreams.some((datastream) => datastream.classification === 'personal') && targets.cipher === undefined) {
    throw new OpenDataError(OpenDataErrorCode.INVALID_EXPORT, 'the export contains decrypted personal data, which import encrypts again: open the target with its key store');
  }
  const check = await checkExportSignatures(dir, manifest, { onProgress: (done, total) => options.onProgress?.({ phase: 'signatures', done, total }) });
  if ((check.failedLines > 0 || check.failedBatches > 0) && !options.allowUnsigned) {
    throw signatureMismatch(manifest, check);
  }
  const batches = check.batches.size;

  options.onProgress?.({ phase: 'registry', done: 0, total: 1 });
  const registry = await readExportedRegistry(dir);
  await restoreRegistry(targets.registry, registry);
  options.onProgress?.({ phase: 'registry', done: 1, total: 1 });

  const keyIds = await restoreBatches(targets, manifest.tenant, check);
  const signedLines = new SignedObservationLines(dir, check);
  const observations = await importObservations(targets, manifest, registry, signedLines, options);
  await signedLines.finish();
  const rejections = await importDeadLetter(targets.rejections, dir, options);
  await checkCounts(targets, manifest, registry);

  const { failedLines, failedBatches, decrypted, problems } = check;
  const signatures: SignatureImportReport = {
    batches,
    observations: signedLines.restored,
    keyIds,
    unsigned: observations - signedLines.restored,
    failedLines,
    failedBatches,
    decrypted,
    problems,
  };

  return { tenant: manifest.tenant, datastreams: manifest.datastreams.length, observations, rejections, signatures };
}

function signatureMismatch(manifest: ExportManifest, check: SignatureCheck): OpenDataError {
  const listed = check.problems.map((problem) => `- ${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.reason} ${problem.detail}`);

  return new OpenDataError(
    OpenDataErrorCode.SIGNATURE_MISMATCH,
    `the signatures of the export of tenant "${manifest.tenant}" do not match its observations: ${check.failedLines} of ${manifest.counts.signedObservations} signature lines and ${check.failedBatches} batches fail, ${check.restorable} lines match. Nothing was imported. Check the export with \`stadtdaten verify\`, or import it with --allow-unsigned to store those observations without a proof:\n${listed.join('\n')}`,
    { details: { failedLines: check.failedLines, failedBatches: check.failedBatches, restorable: check.restorable, problems: check.problems } },
  );
}

async function requireEmptyTarget(targets: TenantImportTargets, manifest: ExportManifest): Promise<void> {
  const { tenant } = manifest;
  const found: string[] = [];
  if ((await targets.registry.getTenant(tenant)) !== undefined) {
    found.push('the tenant in the registry');
  }
  const observations = (await targets.store.count(tenant)) + (await targets.personalStore.count(tenant));
  if (observations > 0) {
    found.push(`${observations} observations`);
  }
  const rejections = await targets.rejections.count(tenant);
  if (rejections > 0) {
    found.push(`${rejections} rejections`);
  }
  if (found.length > 0) {
    throw new OpenDataError(
      OpenDataErrorCode.IMPORT_TARGET_NOT_EMPTY,
      `the target platform already has data of tenant "${tenant}" (${found.join(', ')}); import into a new data folder`,
    );
  }
}

async function readExportedRegistry(dir: string): Promise<ExportedRegistry> {
  const read = async <T>(path: string): Promise<T> => JSON.parse(await readFile(resolveInside(dir, path), 'utf8')) as T;

  return {
    tenant: await read(ExportFiles.TENANT),
    things: await read(ExportFiles.THINGS_JSON),
    devices: await read(ExportFiles.DEVICES_JSON),
    datastreams: await read(ExportFiles.DATASTREAMS_JSON),
    deviceTypes: await read(ExportFiles.DEVICE_TYPES_JSON),
    observedProperties: await read(ExportFiles.OBSERVED_PROPERTIES_JSON),
  };
}

async function importObservations(
  targets: TenantImportTargets,
  manifest: ExportManifest,
  registry: ExportedRegistry,
  signedLines: SignedObservationLines,
  options: TenantImportOptions,
): Promise<number> {
  const total = manifest.datastreams.reduce((sum, datastream) => sum + datastream.observations, 0);
  const byId = new Map(registry.datastreams.map((datastream) => [datastream.id, datastream]));
  let done = 0;
  for (const entry of manifest.datastreams) {
    const datastream = byId.get(entry.id);
    if (datastream === undefined) {
      throw new OpenDataError(OpenDataErrorCode.INVALID_EXPORT, `manifest.json lists datastream "${entry.id}", which registry/datastreams.json does not contain`);
    }
    for await (const page of readParquetObservations(resolveInside(options.dir, entry.parquet), manifest.tenant)) {
      const rows = await prepareRows(targets, entry, datastream, page);
      await (entry.classification === 'personal' ? targets.personalStore : targets.store).write(rows);
      await targets.signatures.saveObservations(await signedLines.take(page));
      done += rows.length;
      options.onProgress?.({ phase: 'observations', done, total });
    }
  }

  return done;
}

/**
 * Sets what the files do not carry (tenant, retention) and encrypts clear personal results
 * under the target's key. Ciphertext results stay as they are.
 */
async function prepareRows(
  targets: TenantImportTargets,
  entry: ManifestDatastream,
  datastream: DatastreamDto,
  page: StoredObservation[],
): Promise<StoredObservation[]> {
  const rows = page.map((row) => ({ ...row, retentionDays: datastream.retentionDays }));
  if (entry.classification !== 'personal' || entry.encrypted) {
    // NOTE: ciphertext of personal results is readable only with the key store of the exporting platform.
    return rows;
  }
  for (const row of rows) {
    row.result = await targets.cipher!.encrypt(row.tenant, JSON.stringify(row.result), observationContext(row.datastreamId, row.phenomenonTimeMs));
  }

  return rows;
}

async function importDeadLetter(store: RejectionStore, dir: string, options: TenantImportOptions): Promise<number> {
  const lines = createInterface({ input: createReadStream(resolveInside(dir, ExportFiles.DEAD_LETTER)), crlfDelay: Infinity });
  let page: StoredRejection[] = [];
  let count = 0;
  for await (const line of lines) {
    if (line.trim() === '') {
      continue;
    }
    page.push(JSON.parse(line) as StoredRejection);
    if (page.length === REJECTION_PAGE) {
      await store.write(page);
      count += page.length;
      page = [];
      options.onProgress?.({ phase: 'dead-letter', done: count, total: count });
    }
  }
  await store.write(page);
  count += page.length;
  options.onProgress?.({ phase: 'dead-letter', done: count, total: count });

  return count;
}

async function checkCounts(targets: TenantImportTargets, manifest: ExportManifest, registry: ExportedRegistry): Promise<void> {
  const problems: string[] = [];
  const classification = new Map(registry.datastreams.map((datastream) => [datastream.id, datastream.classification]));
  for (const entry of manifest.datastreams) {
    const store = classification.get(entry.id) === 'personal' ? targets.personalStore : targets.store;
    const stored = await store.count(manifest.tenant, entry.id);
    if (stored !== entry.observations) {
      problems.push(`datastream ${entry.id}: ${stored} observations stored, the manifest lists ${entry.observations}`);
    }
  }
  const rejections = await targets.rejections.count(manifest.tenant);
  if (rejections !== manifest.counts.rejections) {
    problems.push(`dead letter: ${rejections} rejections stored, the manifest lists ${manifest.counts.rejections}`);
  }
  if (problems.length > 0) {
    throw new OpenDataError(OpenDataErrorCode.IMPORT_MISMATCH, `the import of tenant "${manifest.tenant}" is incomplete:\n${problems.map((problem) => `- ${problem}`).join('\n')}`, {
      details: { problems },
    });
  }
}
