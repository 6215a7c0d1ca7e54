import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { JsonWebKeySet } from './ed25519-jwk';
import { type ExportObservationRecord, ExportSignatureFiles } from './export-record';
import { IntegrityError, IntegrityErrorCode } from './integrity.errors';
import { readJsonLines } from './json-lines.reader';
import {
  type VerificationFailure,
  type VerificationResult,
  verifyInclusion,
  verifySignedBatch,
} from './observation.verifier';
import type { SignedBatch } from './signed-batch';

export interface ExportVerificationProgress {
  /** Observation lines read so far, failed ones included. */
  linesRead: number;
  verified: number;
  failed: number;
}

export interface ExportVerificationOptions {
  /** Callback run every `progressIntervalLines` observation lines, and with the final counts at the end. */
  onProgress?: (progress: ExportVerificationProgress) => void;
  /** Observation lines between two progress calls. Default 10,000. */
  progressIntervalLines?: number;
  /** Maximum failures listed in the report. Further ones are only counted. Default 20. */
  maxReportedFailures?: number;
  /** Maximum bytes of a line. Longer batch lines fail as MALFORMED_PROOF, longer observation lines as MALFORMED_OBSERVATION. Default 1 MiB. */
  maxLineBytes?: number;
  /** Callback run once per distinct batch id of `signatures/batches.jsonl`, after that file is read. */
  onBatch?: (batch: SignedBatch, result: VerificationResult) => void;
  /** Callback run for every observation line in file order; the verifier awaits it before it reads the next line. */
  onObservation?: (line: VerifiedObservationLine) => void | Promise<void>;
}

/** One line of `signatures/observations.jsonl` with the outcome of its verification. */
export interface VerifiedObservationLine {
  /** Line number, counted from 1. */
  line: number;
  /** Undefined for a line that is not a JSON object within the line size limit. */
  record?: ExportObservationRecord;
  result: VerificationResult;
}

export interface ExportVerificationFailure {
  /** File relative to the export directory, for example `signatures/observations.jsonl`. */
  file: string;
  /** Line number, counted from 1. */
  line: number;
  reason: VerificationFailure;
  detail: string;
  observationId?: string;
  batchId?: string;
}

export interface ExportVerificationReport {
  verified: number;
  failed: number;
  /** Distinct batch ids in `signatures/batches.jsonl`. */
  batches: number;
  /** Batches whose signature or layout failed. Their observations count as failed. */
  failedBatches: number;
  /** The first failures, in file order: batch lines first, then observation lines. */
  failures: ExportVerificationFailure[];
}

type BatchEntry = { batch: SignedBatch; result: VerificationResult };

type Callbacks = 'onProgress' | 'onBatch' | 'onObservation';

type Settings = Required<Omit<ExportVerificationOptions, Callbacks>> &
  Pick<ExportVerificationOptions, Callbacks>;

/**
 * Verifies the signature part of an export directory offline (layout in the README of this
 * library). Reads `signatures/batches.jsonl` and `signatures/observations.jsonl` line by line,
 * so memory grows with the number of batches, not of observations. Throws INVALID_EXPORT
 * when a file is missing or the JWKS cannot be read. Every other problem is a counted failure.
 */
export async function verifyExportDirectory(
  dir: string,
  options: ExportVerificationOptions = {},
): Promise<ExportVerificationReport> {
  const settings: Settings = {
    onProgress: options.onProgress,
    onBatch: options.onBatch,
    onObservation: options.onObservation,
    progressIntervalLines: options.progressIntervalLines ?? 10_000,
    maxReportedFailures: options.maxReportedFailures ?? 20,
    maxLineBytes: options.maxLineBytes ?? 1024 * 1024,
  };
  const jwks = await readJwks(dir);
  const observationsFile = await requireFile(dir, ExportSignatureFiles.OBSERVATIONS);

  const report: ExportVerificationReport = {
    verified: 0,
    failed: 0,
    batches: 0,
    failedBatches: 0,
    failures: [],
  };
  const addFailure = (entry: ExportVerificationFailure): void => {
    if (report.failures.length < settings.maxReportedFailures) {
      report.failures.push(entry);
    }
  };

  const batches = await readBatches(dir, jwks, settings.maxLineBytes, addFailure);
  report.batches = batches.size;
  report.failedBatches = [...batches.values()].filter((entry) => !entry.result.ok).length;
  for (const entry of batches.values()) {
    settings.onBatch?.(entry.batch, entry.result);
  }
  await verifyObservationFile(observationsFile, batches, settings, report, addFailure);

  return report;
}

async function verifyObservationFile(
  file: string,
  batches: Map<string, BatchEntry>,
  settings: Settings,
  report: ExportVerificationReport,
  addFailure: (entry: ExportVerificationFailure) => void,
): Promise<void> {
  let linesRead = 0;
  for await (const line of readJsonLines(file, settings.maxLineBytes)) {
    const outcome = verifyObservationLine(line.tooLong ? undefined : line.text, batches);
    await settings.onObservation?.({ line: line.lineNumber, record: outcome.record, result: outcome.result });
    linesRead += 1;
    if (outcome.result.ok) {
      report.verified += 1;
    } else {
      report.failed += 1;
      const { reason, detail } = outcome.result;
      addFailure({
        file: ExportSignatureFiles.OBSERVATIONS,
        line: line.lineNumber,
        reason,
        detail,
        ...outcome.ids,
      });
    }
    if (linesRead % settings.progressIntervalLines === 0) {
      settings.onProgress?.(progressOf(report));
    }
  }

  // The final counts go out once, unless the last periodic call already reported them.
  if (linesRead === 0 || linesRead % settings.progressIntervalLines !== 0) {
    settings.onProgress?.(progressOf(report));
  }
}

function progressOf(report: ExportVerificationReport): ExportVerificationProgress {
  return { linesRead: report.verified + report.failed, verified: report.verified, failed: report.failed };
}

function verifyObservationLine(
  text: string | undefined,
  batches: Map<string, BatchEntry>,
): {
  result: VerificationResult;
  ids: { observationId?: string; batchId?: string };
  record?: ExportObservationRecord;
} {
  const record = text === undefined ? undefined : parseObject(text);
  if (!record) {
    return {
      result: failure('MALFORMED_OBSERVATION', 'the line is not a JSON object within the line size limit'),
      ids: {},
    };
  }
  const observation = record as unknown as ExportObservationRecord;
  const batchId = typeof observation.proof?.batchId === 'string' ? observation.proof.batchId : undefined;
  const ids = { observationId: typeof record.id === 'string' ? record.id : undefined, batchId };
  if (typeof record.proof !== 'object' || record.proof === null) {
    return { result: failure('MALFORMED_PROOF', 'the line has no proof object'), ids, record: observation };
  }

  const entry = batchId === undefined ? undefined : batches.get(batchId);
  if (!entry) {
    const detail = `batch "${batchId}" is not listed in ${ExportSignatureFiles.BATCHES}`;

    return { result: failure('BATCH_MISMATCH', detail), ids, record: observation };
  }
  const result = entry.result.ok
    ? verifyInclusion(observation, observation.proof, entry.batch)
    : entry.result;

  return { result, ids, record: observation };
}

async function readBatches(
  dir: string,
  jwks: JsonWebKeySet,
  maxLineBytes: number,
  addFailure: (entry: ExportVerificationFailure) => void,
): Promise<Map<string, BatchEntry>> {
  const file = await requireFile(dir, ExportSignatureFiles.BATCHES);
  const batches = new Map<string, BatchEntry>();
  for await (const line of readJsonLines(file, maxLineBytes)) {
    const batch = line.tooLong ? undefined : (parseObject(line.text) as SignedBatch | undefined);
    const batchId = typeof batch?.batchId === 'string' ? batch.batchId : undefined;
    const result = batch ? checkBatchLine(batch, batches.get(batchId ?? ''), jwks) : malformedBatchLine();
    if (batch && batchId !== undefined && (!batches.has(batchId) || !result.ok)) {
      batches.set(batchId, { batch, result });
    }
    if (!result.ok) {
      addFailure({
        file: ExportSignatureFiles.BATCHES,
        line: line.lineNumber,
        reason: result.reason,
        detail: result.detail,
        batchId,
      });
    }
  }

  return batches;
}

function checkBatchLine(
  batch: SignedBatch,
  earlier: BatchEntry | undefined,
  jwks: JsonWebKeySet,
): VerificationResult {
  if (earlier && !sameBatch(earlier.batch, batch)) {
    return failure('BATCH_MISMATCH', `batch "${batch.batchId}" is listed twice with different contents`);
  }

  return earlier ? earlier.result : verifySignedBatch(batch, jwks);
}

const BATCH_FIELDS = [
  'schemaVersion',
  'batchId',
  'keyId',
  'createdAtMs',
  'treeSize',
  'rootHash',
  'signature',
] as const;

function sameBatch(first: SignedBatch, second: SignedBatch): boolean {
  return BATCH_FIELDS.every((name) => first[name] === second[name]);
}

function malformedBatchLine(): VerificationResult {
  return failure('MALFORMED_PROOF', 'the line is not a JSON object within the line size limit');
}

async function readJwks(dir: string): Promise<JsonWebKeySet> {
  const file = await requireFile(dir, ExportSignatureFiles.JWKS);
  const jwks = parseObject(await readFile(file, 'utf8'));
  if (!jwks || !Array.isArray(jwks.keys)) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_EXPORT,
      `${file} is not a JWKS: it must be a JSON object with a "keys" array of public JWKs`,
    );
  }

  return jwks as unknown as JsonWebKeySet;
}

async function requireFile(dir: string, relativePath: string): Promise<string> {
  const file = join(dir, relativePath);
  const found = await stat(file).then(
    (stats) => stats.isFile(),
    () => false,
  );
  if (!found) {
    throw new IntegrityError(
      IntegrityErrorCode.INVALID_EXPORT,
      `${file} is missing: an export directory needs ${Object.values(ExportSignatureFiles).join(', ')}`,
    );
  }

  return file;
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);

    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function failure(reason: VerificationFailure, detail: string): VerificationResult {
  return { ok: false, reason, detail };
}
