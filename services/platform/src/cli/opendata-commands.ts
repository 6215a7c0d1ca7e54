import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError, Clock, ErrorCode } from '@stadtdaten/contracts';
import { SqliteRejectionStore } from '@stadtdaten/dead-letter';
import { SqliteSignatureStore, TenantKeysSigningKeyStore } from '@stadtdaten/integrity';
import { EnvelopeCipher, type TenantKeys } from '@stadtdaten/keys';
import { createLogger } from '@stadtdaten/observability';
import { type ExportManifest, type ImportReport, RegistryTables, exportTenant, importTenant } from '@stadtdaten/opendata';
import { openRegistry } from '@stadtdaten/registry';
import { EMBEDDED_FILES, KEY_FILES, openTenantKeys } from '@stadtdaten/runtime';
import { SqliteTimeSeriesStore } from '@stadtdaten/timeseries';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import pino from 'pino';
import { auditCliAction } from './cli-audit';
import { message } from './messages';

export interface ExportCommandOptions {
  tenant: string;
  out: string;
  dataDir: string;
  includePersonal?: boolean;
  decrypt?: boolean;
  kekFile?: string;
  progress?: boolean;
}

export interface ImportCommandOptions {
  dir: string;
  dataDir: string;
  kekFile?: string;
  allowUnsigned?: boolean;
  progress?: boolean;
}

/** `stadtdaten export` and `stadtdaten import`: a complete tenant in open formats, and back. */
export function registerOpenDataCommands(program: Command, defaultDataDir: string): void {
  program
    .command('export')
    .description('write everything of one tenant into a folder: registry (JSON, CSV), locations (GeoJSON), observations (Parquet, CSV), signatures, dead letter, manifest with SHA-256 checksums')
    .requiredOption('--tenant <id>', 'tenant to export')
    .requiredOption('--out <dir>', 'folder to write; it must not exist or be empty')
    .option('--data-dir <dir>', 'data folder of the platform; a running platform may keep running', defaultDataDir)
    .option('--include-personal', 'also export the observations of personal datastreams, as ciphertext')
    .option('--decrypt', 'write personal observations in clear (with --include-personal); needs the key store of the data folder')
    .option('--kek-file <file>', 'key-encryption key file, when the platform runs with STADTDATEN_KEK_FILE (default: keys/kek.key in the data folder)')
    .action(async (options: ExportCommandOptions) => {
      const manifest = await runExport({ ...options, progress: process.stderr.isTTY });
      const { counts } = manifest;
      process.stdout.write(`${message('exportDone', resolve(options.out), counts.observations, counts.exportedDatastreams, counts.signedObservations, counts.rejections)}\n`);
    });

  program
    .command('import <dir>')
    .description('import an export folder into a platform that does not have its tenant yet, with its signatures; checks every checksum and signature first')
    .option('--data-dir <dir>', 'data folder of the platform to import into', defaultDataDir)
    .option('--kek-file <file>', 'key-encryption key file of the target, when it runs with STADTDATEN_KEK_FILE')
    .option('--allow-unsigned', 'import observations whose signature fails or differs from the exported value without a proof, instead of stopping')
    .action(async (dir: string, options: Omit<ImportCommandOptions, 'dir'>) => {
      const report = await runImport({ ...options, dir, progress: process.stderr.isTTY });
      printImportReport(report, resolve(options.dataDir));
    });
}

/** Exports one tenant of an embedded platform's data folder. */
export async function runExport(options: ExportCommandOptions): Promise<ExportManifest> {
  const dataDir = resolve(options.dataDir);
  const registryFile = join(dataDir, EMBEDDED_FILES.registry);
  if (!existsSync(registryFile)) {
    throw new AppError(ErrorCode.NOT_FOUND, `${dataDir} is not the data folder of a platform (${EMBEDDED_FILES.registry} is missing); pass it with --data-dir`);
  }
  const kekFile = options.kekFile === undefined ? undefined : resolve(options.kekFile);
  if (options.decrypt && !existsSync(kekFile ?? join(dataDir, KEY_FILES.kek))) {
    throw new AppError(ErrorCode.NOT_FOUND, `--decrypt needs the key-encryption key of the platform, which is not at ${kekFile ?? join(dataDir, KEY_FILES.kek)}; pass it with --kek-file`);
  }

  const stores = await openStores(dataDir, kekFile);
  const tables = await RegistryTables.open(registryFile);
  const bar = options.progress ? new SingleBar({ format: '{bar} {percentage}% | {value}/{total} observations | {datastream}' }) : undefined;
  let manifest: ExportManifest;
  try {
    manifest = await exportTenant(
      { ...stores, tables, signingKeys: new TenantKeysSigningKeyStore(stores.keys), cipher: new EnvelopeCipher(stores.keys) },
      {
        tenant: options.tenant,
        outDir: resolve(options.out),
        includePersonal: options.includePersonal,
        decrypt: options.decrypt,
        onProgress: (progress) => {
          if (bar !== undefined && !bar.isActive) {
            bar.start(progress.observationsTotal, 0, { datastream: '' });
          }
          bar?.update(progress.observationsDone, { datastream: progress.datastreamId ?? '' });
        },
      },
    );
  } finally {
    bar?.stop();
    await tables.close();
    await closeStores(stores);
  }
  await auditExport(dataDir, manifest, resolve(options.out));

  return manifest;
}

/** Records the export in the data folder's audit log, and a personal-data read when it contains personal data. */
async function auditExport(dataDir: string, manifest: ExportManifest, out: string): Promise<void> {
  const target = { resourceType: 'tenant', resourceId: manifest.tenant };
  const details = { out, observations: manifest.counts.observations, includesPersonal: String(manifest.includesPersonal), decrypted: String(manifest.decrypted) };
  await auditCliAction(dataDir, 'EXPORT', target, details);
  if (manifest.includesPersonal) {
    await auditCliAction(dataDir, 'PERSONAL_DATA_READ', target, details);
  }
}

/** Prints the result on standard output and every signature that was not restored on standard error. */
function printImportReport(report: ImportReport, dataDir: string): void {
  const { signatures } = report;
  process.stdout.write(`${message('importDone', report.tenant, report.observations, report.datastreams, report.rejections, dataDir)}\n`);
  if (signatures.batches > 0) {
    process.stdout.write(`${message('importSignatures', signatures.observations, signatures.batches, signatures.keyIds.join(', '))}\n`);
  }
  if (signatures.failedLines > 0 || signatures.failedBatches > 0) {
    process.stderr.write(`${message('importUnsigned', signatures.failedLines, signatures.failedBatches)}\n`);
    for (const problem of signatures.problems) {
      process.stderr.write(`  ${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.reason} ${problem.detail}\n`);
    }
  }
  if (signatures.decrypted > 0) {
    process.stderr.write(`${message('importDecryptedUnsigned', signatures.decrypted)}\n`);
  }
}

/**
 * Imports an export folder into an embedded platform's data folder.
 *
 * NOTE: import writes the embedded stores of a data folder only. A production platform
 * (PostgreSQL, InfluxDB, Kafka) has no import; import into a data folder and migrate from there.
 */
export async function runImport(options: ImportCommandOptions): Promise<ImportReport> {
  const dataDir = resolve(options.dataDir);
  const stores = await openStores(dataDir, options.kekFile === undefined ? undefined : resolve(options.kekFile));
  const bar = options.progress ? new SingleBar({ format: '{phase} {bar} {percentage}% | {value}/{total}' }) : undefined;
  let phase = '';
  try {
    return await importTenant(
      { ...stores, signingKeys: new TenantKeysSigningKeyStore(stores.keys), cipher: new EnvelopeCipher(stores.keys) },
      {
        dir: resolve(options.dir),
        allowUnsigned: options.allowUnsigned,
        onProgress: (progress) => {
          if (bar !== undefined && progress.phase !== phase) {
            phase = progress.phase;
            bar.stop();
            bar.start(progress.total, progress.done, { phase });
          }
          bar?.setTotal(Math.max(progress.total, progress.done));
          bar?.update(progress.done, { phase });
        },
      },
    );
  } finally {
    bar?.stop();
    await closeStores(stores);
  }
}

type OpenStores = Awaited<ReturnType<typeof openStores>>;

/** Opens the embedded stores of a data folder; a folder without them gets empty ones. */
async function openStores(dataDir: string, kekFile: string | undefined) {
  // Warnings (a new key-encryption key) go to standard error, so standard output keeps the result only.
  const logger = createLogger({ service: 'cli', version: '0.1.0', env: 'cli', level: 'warn', destination: pino.destination({ dest: 2, sync: true }) });
  const keys: TenantKeys = openTenantKeys({ service: 'cli', dataDir, logger, adapters: {}, kekFile }, new Clock());
  const registry = await openRegistry({ type: 'sqlite', path: join(dataDir, EMBEDDED_FILES.registry) });
  const store = new SqliteTimeSeriesStore({ path: join(dataDir, EMBEDDED_FILES.timeSeries) });
  const personalStore = new SqliteTimeSeriesStore({ path: join(dataDir, EMBEDDED_FILES.personalTimeSeries) });
  const rejections = new SqliteRejectionStore({ path: join(dataDir, EMBEDDED_FILES.rejections) });
  const signatures = new SqliteSignatureStore({ path: join(dataDir, KEY_FILES.signatures) });
  await Promise.all([store.connect(), personalStore.connect(), rejections.connect(), signatures.connect()]);

  return { keys, registry, store, personalStore, rejections, signatures };
}

async function closeStores(stores: OpenStores): Promise<void> {
  await Promise.all([
    stores.registry.close(),
    stores.store.close(),
    stores.personalStore.close(),
    stores.rejections.close(),
    stores.signatures.close(),
    stores.keys.close(),
  ]);
}
