import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteAuditLog } from '@stadtdaten/audit';
import { ErrorCode } from '@stadtdaten/contracts';
import { SqliteSignatureStore, verifyExportDirectory } from '@stadtdaten/integrity';
import type { ExportManifest, ImportReport } from '@stadtdaten/opendata';
import { describeWithSamples } from '@stadtdaten/testing';
import pino from 'pino';
import { Command } from 'commander';
import { parse, stringify } from 'yaml';
import { registerOpenDataCommands, runExport, runImport } from '../../src/cli/opendata-commands';
import { replayMessages } from '../../src/cli/replay';
import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from '../helpers';
import { deviceTypesOf, predictOutcome } from '../production/sample-expectation';
import { chirpstackInput, loadFixtureCatalog, senmlInputs, sensorCommunityInputs, ttnInput } from '../sample-inputs';

const WIDE = 'from=2000-01-01T00:00:00Z&to=2100-01-01T00:00:00Z';

/** Collects the REST responses about the tenant that an import must reproduce, keyed by path. */
async function restAnswers(platform: RunningPlatform, token: string): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  const read = async (path: string) => {
    const response = await fetch(`${platform.httpUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
    answers[path] = { status: response.status, body: path.includes('format=csv') ? await response.text() : await response.json() };
  };
  await read('/api/v1/tenants/samples/things');
  await read('/api/v1/tenants/samples/datastreams');
  await read('/api/v1/tenants/samples/latest');
  await read('/api/v1/tenants/samples/rejections?limit=1000');
  const datastreams = (answers['/api/v1/tenants/samples/datastreams'] as { body: Array<{ id: string }> }).body;
  for (const { id } of datastreams) {
    const base = `/api/v1/tenants/samples/datastreams/${encodeURIComponent(id)}`;
    await read(base);
    await read(`${base}/observations?${WIDE}&limit=10000`);
    await read(`${base}/observations?${WIDE}&format=csv`);
  }

  return answers;
}

describeWithSamples('export and import of real samples', (dir) => {
  const root = mkdtempSync(join(tmpdir(), 'stadtdaten-export-samples-'));
  const outDir = join(root, 'export');
  let source: { platform: RunningPlatform; dataDir: string; cleanup: () => void };
  let token: string;
  let manifest: ExportManifest;

  beforeAll(async () => {
    source = await startTestPlatform();
    const { platform } = source;
    token = await platform.issueToken('samples', ['tenant-admin', 'analyst'], 'export-test');
    const ttn = ttnInput(dir);
    const chirpstack = chirpstackInput(dir);
    const catalog = parse(loadFixtureCatalog());
    catalog.devices.push(...ttn.devices, ...chirpstack.devices);
    await applyCatalog(platform, stringify(catalog));
    const inputs = [ttn.input, chirpstack.input, ...senmlInputs(dir), ...sensorCommunityInputs(dir)];
    const expected = predictOutcome(inputs, deviceTypesOf(catalog));
    const deviceToken = await platform.issueToken('samples', ['device'], 'sample-replay');
    for (const input of inputs) {
      await replayMessages(input.messages, { mqttUrl: platform.mqttUrl, token: deviceToken });
    }

    const storedIds = async () => {
      const datastreams = (await getJson(platform, '/api/v1/tenants/samples/datastreams', token)).body as Array<{ id: string }>;
      const ids: string[] = [];
      for (const { id } of datastreams) {
        const { body } = await getJson(platform, `/api/v1/tenants/samples/datastreams/${encodeURIComponent(id)}/observations?${WIDE}&limit=10000`, token);
        ids.push(...body.observations.map((observation: { id: string }) => observation.id));
      }

      return ids;
    };
    const rejections = async () => (await getJson(platform, '/api/v1/tenants/samples/rejections?limit=1', token)).body.total as number;
    const ids = await waitFor(storedIds, (list) => list.length >= expected.stored.size + expected.untimed.length, 60_000);
    await waitFor(rejections, (total) => total >= expected.rejections.length, 60_000);

    // Signatures reach their store on their own topic; wait until every stored value has its proof.
    const signatures = new SqliteSignatureStore({ path: join(source.dataDir, 'signatures.sqlite') });
    await signatures.connect();
    await waitFor(
      async () => (await Promise.all(ids.map((id) => signatures.proof(id)))).filter((proof) => proof === undefined).length,
      (missing) => missing === 0,
      60_000,
    );
    await signatures.close();

    manifest = await runExport({ tenant: 'samples', out: outDir, dataDir: source.dataDir });
  }, 180_000);

  afterAll(async () => {
    await source?.platform.stop();
    source?.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('exports every stored observation and rejection', async () => {
    const rejected = (await getJson(source.platform, '/api/v1/tenants/samples/rejections?limit=1', token)).body.total;

    expect(manifest.counts.observations).toBeGreaterThan(0);
    expect(manifest.counts.signedObservations).toBe(manifest.counts.observations);
    expect(manifest.counts.rejections).toBe(rejected);
  });

  it('passes verify', async () => {
    const report = await verifyExportDirectory(outDir);

    expect(report).toMatchObject({ verified: manifest.counts.observations, failed: 0, failedBatches: 0 });
  });

  it('keeps every file inside the export folder', () => {
    const observationFiles = readdirSync(join(outDir, 'observations'));

    expect(manifest.datastreams.map((datastream) => datastream.parquet)).toEqual(
      manifest.datastreams.map((datastream) => expect.stringMatching(/^observations\/[A-Za-z0-9_.%-]+\.parquet$/)),
    );
    expect(observationFiles).toContain('urn%3Adev%3Aow%3A10e2073a01080063.current.parquet');
    expect(observationFiles.every((name) => !name.startsWith('.'))).toBe(true);
  });

  describe('after an import', () => {
    const targetDir = join(root, 'imported');
    let target: RunningPlatform;
    let targetToken: string;
    let report: ImportReport;

    beforeAll(async () => {
      report = await runImport({ dir: outDir, dataDir: targetDir });
      target = (await startTestPlatform({ dataDir: targetDir })).platform;
      targetToken = await target.issueToken('samples', ['tenant-admin', 'analyst'], 'export-test');
    }, 120_000);

    afterAll(async () => {
      await target?.stop();
    });

    it('reproduces the REST responses', async () => {
      const expected = await restAnswers(source.platform, token);
      const actual = await restAnswers(target, targetToken);

      expect(Object.keys(actual).length).toBeGreaterThan(10);
      for (const path of Object.keys(expected)) {
        expect({ path, answer: actual[path] }).toEqual({ path, answer: expected[path] });
      }
    });

    it('restores every proof', async () => {
      const ids = readFileSync(join(outDir, 'signatures/observations.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line).id as string);
      // Every 7th observation and the last, across all datastreams and batches.
      const sampled = ids.filter((_, index) => index % 7 === 0 || index === ids.length - 1);

      expect(report.signatures).toMatchObject({ observations: ids.length, batches: manifest.counts.signedBatches, failedLines: 0, failedBatches: 0 });
      expect(sampled.length).toBeGreaterThan(5);
      for (const id of sampled) {
        const path = `/api/v1/observations/${encodeURIComponent(id)}/proof`;
        const before = await getJson(source.platform, path, token);
        const after = await getJson(target, path, targetToken);
        expect({ id, status: after.status, body: after.body }).toEqual({ id, status: 200, body: before.body });
      }
    });

    it('publishes the old keys beside its own', async () => {
      const before = (await getJson(source.platform, '/api/v1/jwks.json')).body.keys as Array<{ kid: string }>;
      const after = (await getJson(target, '/api/v1/jwks.json')).body.keys as Array<{ kid: string }>;
      const oldKeyIds = before.map((key) => key.kid);

      expect(report.signatures.keyIds.every((kid) => oldKeyIds.includes(kid))).toBe(true);
      expect(after).toEqual(expect.arrayContaining(before.filter((key) => report.signatures.keyIds.includes(key.kid))));
      expect(after.length).toBeGreaterThan(report.signatures.keyIds.length);
    });

    it('passes verify in a fresh export', async () => {
      const reexported = join(root, 'reexport');
      const second = await runExport({ tenant: 'samples', out: reexported, dataDir: targetDir });

      expect(second.counts.signedObservations).toBe(manifest.counts.signedObservations);
      expect(await verifyExportDirectory(reexported)).toMatchObject({ verified: manifest.counts.signedObservations, failed: 0, failedBatches: 0 });
    });
  });

  it('runs from the command line', async () => {
    const program = new Command('stadtdaten').exitOverride();
    registerOpenDataCommands(program, source.dataDir);
    const cliOut = join(root, 'cli-export');
    const written: string[] = [];
    const write = process.stdout.write;
    process.stdout.write = ((chunk: string) => written.push(chunk) > 0) as unknown as typeof process.stdout.write;
    try {
      await program.parseAsync(['node', 'stadtdaten', 'export', '--tenant', 'samples', '--out', cliOut]);
    } finally {
      process.stdout.write = write;
    }

    expect(written.join('')).toContain(cliOut);
    expect((await verifyExportDirectory(cliOut)).failed).toBe(0);
  });

  it('records the export in the audit log', async () => {
    const log = new SqliteAuditLog({ directory: join(source.dataDir, 'audit'), logger: pino({ level: 'silent' }) });
    await log.connect();
    try {
      const { items } = await log.list({ action: 'EXPORT' });

      expect(items.map((entry) => [entry.target.resourceId, entry.details.out])).toContainEqual(['samples', outDir]);
    } finally {
      await log.close();
    }
  });

  it('rejects a tenant id that is a path', async () => {
    await expect(runExport({ tenant: '../samples', out: join(root, 'traversal'), dataDir: source.dataDir })).rejects.toMatchObject({
      code: ErrorCode.VALIDATION_FAILED,
    });
  });
});
