import { readFile, stat } from 'node:fs/promises';
import type { Classification } from '@stadtdaten/contracts';
import type { ResultColumnType } from '../formats/observation-columns';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';
import { type ManifestFile, checksumOf } from './checksummed-file';
import { ExportFiles, resolveInside } from './export-paths';

export const EXPORT_FORMAT = 'stadtdaten-export';
export const EXPORT_VERSION = 1;

/** Largest manifest that import reads; a manifest lists a few hundred bytes per datastream. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

/** One exported datastream: where its observations are and how many. */
export interface ManifestDatastream {
  id: string;
  classification: Classification;
  /** Observations in each of its files. */
  observations: number;
  /** Parquet file, relative to the export root. */
  parquet: string;
  /** CSV file, relative to the export root. */
  csv: string;
  resultType: ResultColumnType;
  /** True when results are the platform's ciphertext envelopes (personal data exported without --decrypt). */
  encrypted: boolean;
  /** UTC ISO 8601 times of the first and last observation; absent without observations. */
  firstPhenomenonTime?: string;
  lastPhenomenonTime?: string;
}

export interface ManifestCounts {
  things: number;
  devices: number;
  deviceTypes: number;
  observedProperties: number;
  datastreams: number;
  /** Datastreams whose observations are in the export. */
  exportedDatastreams: number;
  observations: number;
  signedObservations: number;
  signedBatches: number;
  rejections: number;
}

/** manifest.json of an export folder. */
export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  tenant: string;
  /** UTC ISO 8601 time the export started. */
  createdAt: string;
  includesPersonal: boolean;
  /** True when personal results were decrypted for the export. */
  decrypted: boolean;
  counts: ManifestCounts;
  datastreams: ManifestDatastream[];
  /** Every file of the export except manifest.json, with size and SHA-256. */
  files: ManifestFile[];
}

/**
 * Reads manifest.json and checks every file it lists against its size and SHA-256. Throws
 * INVALID_EXPORT for a missing or malformed manifest or a path outside the folder, and
 * CHECKSUM_MISMATCH listing every file that is missing or differs.
 */
export async function verifyExportManifest(dir: string, onFile?: (done: number, total: number) => void): Promise<ExportManifest> {
  const manifest = await readManifest(dir);
  const problems: string[] = [];
  let done = 0;
  for (const file of manifest.files) {
    const absolute = resolveInside(dir, file.path);
    const actual = await checksumOf(absolute).catch(() => undefined);
    if (actual === undefined) {
      problems.push(`${file.path}: missing`);
    } else if (actual.bytes !== file.bytes || actual.sha256 !== file.sha256) {
      problems.push(`${file.path}: ${actual.bytes} bytes, SHA-256 ${actual.sha256}; the manifest says ${file.bytes} bytes, ${file.sha256}`);
    }
    done += 1;
    onFile?.(done, manifest.files.length);
  }
  if (problems.length > 0) {
    throw new OpenDataError(
      OpenDataErrorCode.CHECKSUM_MISMATCH,
      `${problems.length} file(s) of the export ${dir} do not match manifest.json, so nothing was imported:\n${problems
        .slice(0, 20)
        .map((problem) => `- ${problem}`)
        .join('\n')}`,
      { details: { problems } },
    );
  }

  return manifest;
}

async function readManifest(dir: string): Promise<ExportManifest> {
  const path = resolveInside(dir, ExportFiles.MANIFEST);
  const size = await stat(path).then(
    (stats) => stats.size,
    () => undefined,
  );
  if (size === undefined || size > MAX_MANIFEST_BYTES) {
    throw new OpenDataError(
      OpenDataErrorCode.INVALID_EXPORT,
      size === undefined
        ? `${path} is missing: pass the folder that \`stadtdaten export\` wrote`
        : `${path} has ${size} bytes, more than the ${MAX_MANIFEST_BYTES} a manifest may have`,
    );
  }
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(await readFile(path, 'utf8')) as ExportManifest;
  } catch (error) {
    throw new OpenDataError(OpenDataErrorCode.INVALID_EXPORT, `${path} is not valid JSON`, { cause: error });
  }
  if (manifest?.format !== EXPORT_FORMAT || manifest.version !== EXPORT_VERSION || !Array.isArray(manifest.files) || !Array.isArray(manifest.datastreams)) {
    throw new OpenDataError(
      OpenDataErrorCode.INVALID_EXPORT,
      `${path} is not a manifest of export format "${EXPORT_FORMAT}" version ${EXPORT_VERSION}; it was written by another program or version`,
    );
  }
  const listed = new Set(manifest.files.map((file) => file.path));
  for (const datastream of manifest.datastreams) {
    for (const file of [datastream.parquet, datastream.csv]) {
      if (!listed.has(file)) {
        throw new OpenDataError(OpenDataErrorCode.INVALID_EXPORT, `${path} names ${file} for datastream "${datastream.id}" but has no checksum for it`);
      }
    }
  }

  return manifest;
}
