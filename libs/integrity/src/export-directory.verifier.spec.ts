import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Observation } from '@stadtdaten/contracts';
import { makeObservations, makeTempDir } from '../test/fixtures';
import { BatchSigner, type SignedBatchResult } from './batch.signer';
import type { Ed25519PublicJwk, JsonWebKeySet } from './ed25519-jwk';
import { type ExportVerificationProgress, verifyExportDirectory } from './export-directory.verifier';
import { type ExportObservationRecord, ExportSignatureFiles, toExportRecord } from './export-record';
import { FileSigningKeyStore } from './file-signing-key-store.adapter';

interface ExportContent {
  jwks: JsonWebKeySet;
  batches: unknown[];
  records: unknown[];
}

function writeExport(content: ExportContent, lineEnding = '\n'): string {
  const dir = makeTempDir('export');
  mkdirSync(join(dir, 'signatures'));
  const toLines = (items: unknown[]): string =>
    items.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)) + lineEnding).join('');
  writeFileSync(join(dir, ExportSignatureFiles.JWKS), JSON.stringify(content.jwks));
  writeFileSync(join(dir, ExportSignatureFiles.BATCHES), toLines(content.batches));
  writeFileSync(join(dir, ExportSignatureFiles.OBSERVATIONS), toLines(content.records));

  return dir;
}

function recordsOf(observations: Observation[], signed: SignedBatchResult): ExportObservationRecord[] {
  return observations.map((observation, index) => toExportRecord(observation, signed.proofs[index]));
}

describe('verifyExportDirectory', () => {
  const firstObservations = makeObservations(12);
  const secondObservations = makeObservations(9, { datastreamId: 'ds-humidity-1', unit: '%' });
  let jwks: JsonWebKeySet<Ed25519PublicJwk>;
  let first: SignedBatchResult;
  let second: SignedBatchResult;
  let records: ExportObservationRecord[];

  beforeAll(async () => {
    const keys = await FileSigningKeyStore.open(makeTempDir('export-keys'));
    first = await new BatchSigner(keys).sign(firstObservations, 'batch-1');
    await keys.rotate();
    second = await new BatchSigner(keys).sign(secondObservations, 'batch-2');
    jwks = await keys.jwks();
    records = [...recordsOf(firstObservations, first), ...recordsOf(secondObservations, second)];
  });

  function validContent(): ExportContent {
    return { jwks, batches: [first.batch, second.batch], records: [...records] };
  }

  it('verifies every observation of a valid export', async () => {
    const report = await verifyExportDirectory(writeExport(validContent()));

    expect(report).toEqual({ verified: 21, failed: 0, batches: 2, failedBatches: 0, failures: [] });
  });

  it('verifies an export of 5,000 observations', async () => {
    const keys = await FileSigningKeyStore.open(makeTempDir('export-large-keys'));
    const observations = makeObservations(5000);
    const signed = await new BatchSigner(keys).sign(observations);
    const content = {
      jwks: await keys.jwks(),
      batches: [signed.batch],
      records: recordsOf(observations, signed),
    };

    await expect(verifyExportDirectory(writeExport(content))).resolves.toMatchObject({
      verified: 5000,
      failed: 0,
    });
  });

  it('reads CRLF line endings', async () => {
    const report = await verifyExportDirectory(writeExport(validContent(), '\r\n'));

    expect(report.verified).toBe(21);
  });

  it('reports a changed value with line and id', async () => {
    const content = validContent();
    content.records[4] = { ...records[4], result: { type: 'number', value: -5 } };
    const report = await verifyExportDirectory(writeExport(content));

    expect(report).toMatchObject({ verified: 20, failed: 1 });
    expect(report.failures).toEqual([
      {
        file: ExportSignatureFiles.OBSERVATIONS,
        line: 5,
        reason: 'ROOT_MISMATCH',
        detail: expect.stringContaining('leaf 4'),
        observationId: records[4].id,
        batchId: 'batch-1',
      },
    ]);
  });

  it('reports a value turned into text', async () => {
    const content = validContent();
    const record = records[0];
    content.records[0] = { ...record, result: { type: 'text', value: String(record.result.value) } };
    const report = await verifyExportDirectory(writeExport(content));

    expect(report.failures.map((failure) => failure.reason)).toEqual(['ROOT_MISMATCH']);
  });

  it('fails the observations of a batch whose key is not published', async () => {
    const content = validContent();
    content.jwks = { keys: jwks.keys.filter((key) => key.kid !== first.batch.keyId) };
    const report = await verifyExportDirectory(writeExport(content));

    expect(report).toMatchObject({ verified: 9, failed: 12, failedBatches: 1 });
    expect(report.failures[0]).toMatchObject({
      file: ExportSignatureFiles.BATCHES,
      line: 1,
      reason: 'UNKNOWN_KEY',
    });
    expect(report.failures[1]).toMatchObject({
      file: ExportSignatureFiles.OBSERVATIONS,
      line: 1,
      reason: 'UNKNOWN_KEY',
    });
  });

  it('fails the observations of a batch not listed', async () => {
    const content = validContent();
    content.batches = [second.batch];
    const report = await verifyExportDirectory(writeExport(content));

    expect(report).toMatchObject({ verified: 9, failed: 12, batches: 1 });
    expect(report.failures[0]).toMatchObject({
      reason: 'BATCH_MISMATCH',
      detail: expect.stringContaining('"batch-1"'),
    });
  });

  it('fails a batch listed twice with different contents', async () => {
    const content = validContent();
    content.batches.push({ ...first.batch, createdAtMs: first.batch.createdAtMs + 1 });
    const report = await verifyExportDirectory(writeExport(content));

    expect(report).toMatchObject({ verified: 9, failed: 12, failedBatches: 1 });
    expect(report.failures[0]).toMatchObject({
      file: ExportSignatureFiles.BATCHES,
      line: 3,
      reason: 'BATCH_MISMATCH',
    });
  });

  it('accepts a batch listed twice alike', async () => {
    const content = validContent();
    content.batches.push(first.batch);

    await expect(verifyExportDirectory(writeExport(content))).resolves.toMatchObject({
      verified: 21,
      failed: 0,
    });
  });

  it('counts unreadable lines and reads on', async () => {
    const content = validContent();
    content.records.splice(3, 0, '{"tenant":', '[1,2]', JSON.stringify({ ...records[0], proof: undefined }));
    const report = await verifyExportDirectory(writeExport(content));

    expect(report).toMatchObject({ verified: 21, failed: 3 });
    expect(report.failures.map((failure) => [failure.line, failure.reason])).toEqual([
      [4, 'MALFORMED_OBSERVATION'],
      [5, 'MALFORMED_OBSERVATION'],
      [6, 'MALFORMED_PROOF'],
    ]);
  });

  it('fails a line over the size limit', async () => {
    const content = validContent();
    content.records[0] = { ...records[0], padding: 'x'.repeat(5000) };
    const report = await verifyExportDirectory(writeExport(content), { maxLineBytes: 4096 });

    expect(report).toMatchObject({ verified: 20, failed: 1 });
    expect(report.failures[0]).toMatchObject({ line: 1, reason: 'MALFORMED_OBSERVATION' });
  });

  it('lists only the first failures', async () => {
    const content = validContent();
    content.records = records.map((record) => ({ ...record, tenant: 'heag' }));
    const report = await verifyExportDirectory(writeExport(content), { maxReportedFailures: 3 });

    expect(report).toMatchObject({ verified: 0, failed: 21 });
    expect(report.failures.map((failure) => failure.line)).toEqual([1, 2, 3]);
  });

  it('reports progress', async () => {
    const progress: ExportVerificationProgress[] = [];
    await verifyExportDirectory(writeExport(validContent()), {
      progressIntervalLines: 10,
      onProgress: (update) => progress.push(update),
    });

    expect(progress).toEqual([
      { linesRead: 10, verified: 10, failed: 0 },
      { linesRead: 20, verified: 20, failed: 0 },
      { linesRead: 21, verified: 21, failed: 0 },
    ]);
  });

  it.each([ExportSignatureFiles.JWKS, ExportSignatureFiles.BATCHES, ExportSignatureFiles.OBSERVATIONS])(
    'rejects an export without %s',
    async (file) => {
      const dir = writeExport(validContent());
      rmSync(join(dir, file));

      await expect(verifyExportDirectory(dir)).rejects.toMatchObject({ code: 'INVALID_EXPORT' });
    },
  );

  it('rejects a JWKS without keys', async () => {
    const dir = writeExport(validContent());
    writeFileSync(join(dir, ExportSignatureFiles.JWKS), '{"keys":{}}');

    await expect(verifyExportDirectory(dir)).rejects.toThrow('is not a JWKS');
  });
});
