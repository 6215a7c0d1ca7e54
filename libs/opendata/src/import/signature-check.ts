import { readFile } from 'node:fs/promises';
import type { ResultValue, StoredObservation } from '@stadtdaten/contracts';
import {
  type CanonicalObservation,
  type CanonicalResult,
  type Ed25519PublicJwk,
  type ExportObservationRecord,
  ExportSignatureFiles,
  IntegrityError,
  type JsonValue,
  type JsonWebKeySet,
  PartialMerkleTree,
  type SignedBatch,
  type VerifiedObservationLine,
  hashCanonicalObservation,
  toVerificationJwk,
  verifyExportDirectory,
} from '@stadtdaten/integrity';
import type { ExportManifest } from '../export/export-manifest';
import { resolveInside } from '../export/export-paths';
import { ExportRowCursor } from './export-row.cursor';

/** Problems listed in an import error; further ones are only counted. */
const MAX_LISTED_PROBLEMS = 20;

/** A signature line that import does not restore, and why. */
export interface SignatureProblem {
  /** File relative to the export folder. */
  file: string;
  /** Line number, counted from 1; absent for a problem of the JWKS file. */
  line?: number;
  reason: string;
  detail: string;
  observationId?: string;
}

/** A batch whose signature verifies, with its tree as far as the export's proofs give it. */
export interface CheckedBatch {
  batch: SignedBatch;
  tree: PartialMerkleTree;
  publicKey: Ed25519PublicJwk;
}

/** Result of checking the signature files of an export, before import writes anything. */
export interface SignatureCheck {
  batches: Map<string, CheckedBatch>;
  /** Line numbers of `signatures/observations.jsonl` whose proof is not restored. */
  skippedLines: Set<number>;
  /** Signature lines whose proof is restored. */
  restorable: number;
  /** Lines of personal datastreams exported with --decrypt: their signed ciphertext is not in the export, so they are not compared. */
  decrypted: number;
  /** Batches whose signature does not verify, or whose key cannot be published. */
  failedBatches: number;
  /** Signature lines that fail verification or do not match their exported observation. */
  failedLines: number;
  /** The first problems, batch lines first, then observation lines in file order. */
  problems: SignatureProblem[];
}

export interface SignatureCheckOptions {
  onProgress?: (done: number, total: number) => void;
}

/**
 * Checks the signatures of an export against its observations with the verifier of
 * `stadtdaten verify`: every batch signature under the export's JWKS, every proof against its
 * batch, and that each signed observation equals the row the import would store. Reads the
 * signature lines and the Parquet files once each, in step, and builds each batch's tree
 * from the verified proofs.
 */
export async function checkExportSignatures(
  dir: string,
  manifest: ExportManifest,
  options: SignatureCheckOptions = {},
): Promise<SignatureCheck> {
  const jwks = await readJwks(dir);
  const check: SignatureCheck = {
    batches: new Map(),
    skippedLines: new Set(),
    restorable: 0,
    decrypted: 0,
    failedBatches: 0,
    failedLines: 0,
    problems: [],
  };
  const decrypted = new Set(
    manifest.datastreams
      .filter((entry) => entry.classification === 'personal' && !entry.encrypted)
      .map((entry) => entry.id),
  );
  const rows = new ExportRowCursor(dir, manifest);
  const matcher = new RowMatcher(check, rows, decrypted);
  try {
    const report = await verifyExportDirectory(dir, {
      maxReportedFailures: MAX_LISTED_PROBLEMS,
      onBatch: (batch, result) => addBatch(check, jwks, batch, result.ok ? undefined : result.detail),
      onObservation: (line) => matcher.match(line),
      onProgress: (progress) => options.onProgress?.(progress.linesRead, manifest.counts.signedObservations),
    });
    const batchFailures = report.failures.filter((failure) => failure.file === ExportSignatureFiles.BATCHES);
    check.problems = [...batchFailures, ...check.problems].slice(0, MAX_LISTED_PROBLEMS);
  } finally {
    await rows.close();
  }

  return check;
}

function addBatch(
  check: SignatureCheck,
  jwks: JsonWebKeySet,
  batch: SignedBatch,
  failure: string | undefined,
): void {
  if (failure !== undefined) {
    check.failedBatches += 1;
    return;
  }
  // The verifier found the key, so only the key id can still be wrong.
  const jwk = jwks.keys.find((key) => key?.kid === batch.keyId);
  const publicKey =
    jwk === undefined ? `the JWKS has no key with kid "${batch.keyId}"` : toVerificationJwk(jwk);
  if (typeof publicKey === 'string') {
    check.failedBatches += 1;
    addProblem(check, {
      file: ExportSignatureFiles.JWKS,
      reason: 'UNKNOWN_KEY',
      detail: `batch "${batch.batchId}": ${publicKey}`,
    });
    return;
  }
  check.batches.set(batch.batchId, {
    batch,
    tree: new PartialMerkleTree(batch.treeSize, Buffer.from(batch.rootHash, 'base64url')),
    publicKey,
  });
}

function addProblem(check: SignatureCheck, problem: SignatureProblem): void {
  if (check.problems.length < MAX_LISTED_PROBLEMS) {
    check.problems.push(problem);
  }
}

/** Pairs verified signature lines with the exported rows, in the order both files share. */
class RowMatcher {
  private lastMatched?: StoredObservation;

  constructor(
    private readonly check: SignatureCheck,
    private readonly rows: ExportRowCursor,
    private readonly decrypted: ReadonlySet<string>,
  ) {}

  async match({ line, record, result }: VerifiedObservationLine): Promise<void> {
    if (!result.ok || record === undefined) {
      this.reject(
        line,
        record,
        result.ok ? 'MALFORMED_OBSERVATION' : result.reason,
        result.ok ? 'the line is not a JSON object' : result.detail,
      );
      return;
    }
    const entry = this.check.batches.get(record.proof.batchId);
    if (entry === undefined) {
      this.reject(
        line,
        record,
        'UNKNOWN_KEY',
        `the key of batch "${record.proof.batchId}" cannot be published`,
      );
      return;
    }
    const fields = signedFieldsOf(record);
    const leafHash = hashCanonicalObservation(fields);
    entry.tree.addProof(
      record.proof.leafIndex,
      leafHash,
      record.proof.path.map((hash) => Buffer.from(hash, 'base64url')),
    );
    if (this.decrypted.has(fields.datastreamId)) {
      this.check.decrypted += 1;
      this.check.skippedLines.add(line);
      return;
    }

    const row = await this.rows.find(fields.datastreamId, fields.phenomenonTimeMs);
    const problem =
      row === undefined || row.id !== record.id || row === this.lastMatched
        ? 'the export has no observation with this id at this place'
        : compareRow(row, fields, leafHash);
    if (problem !== undefined) {
      this.reject(line, record, 'VALUE_MISMATCH', problem);
      return;
    }
    this.lastMatched = row;
    this.check.restorable += 1;
  }

  private reject(
    line: number,
    record: ExportObservationRecord | undefined,
    reason: string,
    detail: string,
  ): void {
    this.check.failedLines += 1;
    this.check.skippedLines.add(line);
    const observationId = typeof record?.id === 'string' ? record.id : undefined;
    addProblem(this.check, {
      file: ExportSignatureFiles.OBSERVATIONS,
      line,
      reason,
      detail,
      ...(observationId === undefined ? {} : { observationId }),
    });
  }
}

/** Takes the fields of a signature line that its leaf covers, in the order the signature store keeps them. */
export function signedFieldsOf(record: ExportObservationRecord): CanonicalObservation {
  const { id: _id, proof: _proof, ...fields } = record;

  return fields;
}

/** Returns why the row import would store differs from the signed fields, or undefined when they are equal. */
function compareRow(
  row: StoredObservation,
  fields: CanonicalObservation,
  leafHash: Buffer,
): string | undefined {
  const fromRow: CanonicalObservation = {
    ...fields,
    tenant: row.tenant,
    datastreamId: row.datastreamId,
    phenomenonTimeMs: row.phenomenonTimeMs,
    resultTimeMs: row.resultTimeMs,
    result: canonicalResultOf(row.result),
  };
  try {
    return hashCanonicalObservation(fromRow).equals(leafHash)
      ? undefined
      : `the exported result or times differ from the signed ones (result ${JSON.stringify(row.result)})`;
  } catch (error) {
    if (error instanceof IntegrityError) {
      return `the exported result cannot be encoded for comparison: ${error.message}`;
    }
    throw error;
  }
}

function canonicalResultOf(value: ResultValue): CanonicalResult {
  if (typeof value === 'number') {
    return { type: 'number', value };
  }
  if (typeof value === 'string') {
    return { type: 'text', value };
  }
  if (typeof value === 'boolean') {
    return { type: 'boolean', value };
  }

  return { type: 'json', value: value as JsonValue };
}

/** Reads the export's JWKS. A missing or unreadable one yields no keys, because the verifier then stops with INVALID_EXPORT. */
async function readJwks(dir: string): Promise<JsonWebKeySet> {
  let jwks: Partial<JsonWebKeySet> | undefined;
  try {
    jwks = JSON.parse(
      await readFile(resolveInside(dir, ExportSignatureFiles.JWKS), 'utf8'),
    ) as Partial<JsonWebKeySet>;
  } catch {
    return { keys: [] };
  }

  return Array.isArray(jwks?.keys) ? { keys: jwks.keys } : { keys: [] };
}
