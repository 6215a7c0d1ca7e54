import {
  type ExportObservationRecord,
  ExportSignatureFiles,
  type SignatureStore,
  type SignedBatch,
  type SigningKeyStore,
} from '@stadtdaten/integrity';
import { ChecksummedFile, type ManifestFile, writeChecksummedText } from './checksummed-file';

/** Batches read from the signature store per call. */
const BATCH_PAGE = 1000;

/**
 * Writes the signature part of an export in the layout of @stadtdaten/integrity: a line in
 * signatures/observations.jsonl per exported observation that has a proof, then every signed
 * batch of the tenant, then the public keys of those batches.
 */
export class SignatureExport {
  private signedCount = 0;

  private constructor(
    private readonly root: string,
    private readonly tenant: string,
    private readonly signatures: SignatureStore,
    private readonly observations: ChecksummedFile,
    /** False when the tenant has no signed batch, so no observation can have a proof and none is looked up. */
    private readonly signed: boolean,
  ) {}

  static async create(root: string, tenant: string, signatures: SignatureStore): Promise<SignatureExport> {
    const signed = (await signatures.batches(tenant, { limit: 1 })).length > 0;

    return new SignatureExport(root, tenant, signatures, await ChecksummedFile.create(root, ExportSignatureFiles.OBSERVATIONS), signed);
  }

  get signedObservations(): number {
    return this.signedCount;
  }

  /**
   * Adds the proofs of a page of observations. An observation without a proof (stored while
   * signing was off) gets no line; `verify` then simply does not cover it.
   */
  async addPage(observationIds: string[]): Promise<void> {
    if (!this.signed) {
      return;
    }
    const lines: string[] = [];
    for (const proof of await this.signatures.proofs(observationIds)) {
      if (proof.observation.tenant !== this.tenant) {
        continue;
      }
      const record: ExportObservationRecord = { id: proof.observationId, ...proof.observation, proof: proof.proof };
      lines.push(`${JSON.stringify(record)}\n`);
    }
    this.signedCount += lines.length;
    if (lines.length > 0) {
      await this.observations.writeText(lines.join(''));
    }
  }

  /** Writes batches.jsonl and jwks.json and returns the three files' manifest entries. */
  async finish(signingKeys: SigningKeyStore): Promise<{ files: ManifestFile[]; batches: number }> {
    const observationsFile = await this.observations.close();
    const batchesFile = await ChecksummedFile.create(this.root, ExportSignatureFiles.BATCHES);
    const keyIds = new Set<string>();
    let count = 0;
    for await (const page of this.batchPages()) {
      page.forEach((batch) => keyIds.add(batch.keyId));
      count += page.length;
      await batchesFile.writeText(page.map((batch) => `${JSON.stringify(batch)}\n`).join(''));
    }
    const jwks = await signingKeys.jwks();
    const used = { keys: jwks.keys.filter((key) => keyIds.has(key.kid)) };
    const jwksFile = await writeChecksummedText(this.root, ExportSignatureFiles.JWKS, `${JSON.stringify(used, null, 2)}\n`);

    return { files: [jwksFile, await batchesFile.close(), observationsFile], batches: count };
  }

  /**
   * Pages through the tenant's batches in creation order. The store pages by creation time
   * (strictly after), so batches created in the same millisecond as the page's last one are
   * read again from one millisecond earlier and the ones already written are skipped.
   */
  private async *batchPages(): AsyncGenerator<SignedBatch[]> {
    let after = -1;
    let seenAtBoundary = new Set<string>();
    let limit = BATCH_PAGE;
    for (;;) {
      const page = await this.signatures.batches(this.tenant, { afterCreatedAtMs: after, limit });
      const fresh = page.filter((batch) => !seenAtBoundary.has(batch.batchId));
      if (fresh.length > 0) {
        yield fresh;
      }
      if (page.length < limit) {
        return;
      }
      const boundary = page[page.length - 1].createdAtMs;
      if (fresh.length === 0) {
        // Every batch of this page shares the boundary millisecond: read a larger page.
        limit *= 2;
        continue;
      }
      const atBoundary = page.filter((batch) => batch.createdAtMs === boundary).map((batch) => batch.batchId);
      seenAtBoundary = new Set(boundary === after + 1 ? [...seenAtBoundary, ...atBoundary] : atBoundary);
      after = boundary - 1;
      limit = BATCH_PAGE;
    }
  }
}
