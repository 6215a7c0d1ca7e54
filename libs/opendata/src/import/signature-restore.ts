import type { StoredObservation } from '@stadtdaten/contracts';
import {
  type ExportObservationRecord,
  ExportSignatureFiles,
  type SignatureStore,
  type SignedObservation,
  type SigningKeyStore,
  readJsonLines,
} from '@stadtdaten/integrity';
import { resolveInside } from '../export/export-paths';
import { OpenDataError, OpenDataErrorCode } from '../opendata.errors';
import { type SignatureCheck, signedFieldsOf } from './signature-check';

/** Maximum bytes of a line of `signatures/observations.jsonl`, the verifier's default. */
const MAX_LINE_BYTES = 1024 * 1024;

/**
 * Publishes the public keys of the checked batches for verification only, then stores each
 * batch with its tree. Returns the key ids the batches use, sorted.
 *
 * NOTE: a stored tree has zero bytes for every node that no exported proof gives (leaves of
 * observations outside the export), so the store serves proofs only for the imported ones.
 */
export async function restoreBatches(
  targets: { signatures: SignatureStore; signingKeys: SigningKeyStore },
  tenant: string,
  check: SignatureCheck,
): Promise<string[]> {
  const keys = new Map([...check.batches.values()].map((entry) => [entry.publicKey.kid, entry.publicKey]));
  await targets.signingKeys.addVerificationKeys([...keys.values()]);
  for (const [batchId, entry] of check.batches) {
    await targets.signatures.saveBatch({ tenant, batch: entry.batch, tree: entry.tree.toTree(), leaves: [] });
    // The tree was copied into the store; dropping it keeps memory at one batch's tree.
    check.batches.delete(batchId);
  }

  return [...keys.keys()].sort();
}

/**
 * Reads the restorable lines of `signatures/observations.jsonl` again, in step with the rows
 * import writes, and returns the signed observation of each row that has one. The check
 * paired these lines with the rows in the same order, so a line left over at the end means
 * the files changed in between.
 */
export class SignedObservationLines {
  private readonly lines: AsyncGenerator<{ line: number; record: ExportObservationRecord }>;
  private next?: { line: number; record: ExportObservationRecord };
  private started = false;
  private restoredCount = 0;

  constructor(
    dir: string,
    private readonly check: SignatureCheck,
  ) {
    this.lines = restorableLines(resolveInside(dir, ExportSignatureFiles.OBSERVATIONS), check.skippedLines);
  }

  get restored(): number {
    return this.restoredCount;
  }

  async take(rows: readonly StoredObservation[]): Promise<SignedObservation[]> {
    if (!this.started) {
      this.started = true;
      await this.advance();
    }
    const signed: SignedObservation[] = [];
    for (const row of rows) {
      if (this.next === undefined || this.next.record.id !== row.id) {
        continue;
      }
      const { record } = this.next;
      signed.push({
        observationId: row.id,
        batchId: record.proof.batchId,
        leafIndex: record.proof.leafIndex,
        receivedAtMs: row.receivedAtMs,
        observation: signedFieldsOf(record),
      });
      await this.advance();
    }
    this.restoredCount += signed.length;

    return signed;
  }

  /** Throws IMPORT_MISMATCH when restorable lines remain that no imported row matched. */
  async finish(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.advance();
    }
    await this.lines.return(undefined);
    if (this.next !== undefined || this.restoredCount !== this.check.restorable) {
      throw new OpenDataError(
        OpenDataErrorCode.IMPORT_MISMATCH,
        `${this.check.restorable - this.restoredCount} signature lines matched no imported observation (first at line ${this.next?.line}); the export changed during the import: delete the target data folder and import again`,
      );
    }
  }

  private async advance(): Promise<void> {
    const result = await this.lines.next();
    this.next = result.done ? undefined : result.value;
  }
}

async function* restorableLines(
  file: string,
  skipped: ReadonlySet<number>,
): AsyncGenerator<{ line: number; record: ExportObservationRecord }> {
  for await (const line of readJsonLines(file, MAX_LINE_BYTES)) {
    if (skipped.has(line.lineNumber) || line.tooLong) {
      continue;
    }
    yield { line: line.lineNumber, record: JSON.parse(line.text) as ExportObservationRecord };
  }
}
