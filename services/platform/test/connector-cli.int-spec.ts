import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describeWithSamples, samplePath } from '@stadtdaten/testing';
import { waitFor } from './helpers';

const run = promisify(execFile);
const CLI = resolve(__dirname, '..', 'dist', 'main.js');

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: pm10, name: PM10, definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/5' }
  - { id: no2, name: NO2, definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/8' }
  - { id: o3, name: O3, definition: 'http://dd.eionet.europa.eu/vocabulary/aq/pollutant/7' }
deviceTypes:
  - id: uba-air-station
    tenant: darmstadt
    name: Air-quality station (UBA download)
    payloadFormat: json
    fields:
      - { field: pm10, observedProperty: pm10, unit: ug/m3, type: number, min: 0, max: 2000 }
      - { field: no2, observedProperty: no2, unit: ug/m3, type: number, min: 0, max: 1000 }
      - { field: o3, observedProperty: o3, unit: ug/m3, type: number, min: 0, max: 1000 }
things:
  - { tenant: darmstadt, id: muenster, name: Münster Weseler Straße, useCase: air-quality, location: { type: Point, coordinates: [7.61, 51.95] } }
devices:
  - { tenant: darmstadt, id: uba-denw095, type: uba-air-station, thing: muenster, classification: public }
`;

describeWithSamples('stadtdaten connector commands', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-connector-cli-'));
  let child: ChildProcessWithoutNullStreams;
  let httpUrl = '';
  // The analytics jobs stay off; services/platform/test/analytics.int-spec.ts covers them.
  const env = (lang: string) => ({
    ...process.env,
    LANG: lang,
    STADTDATEN_LOG_LEVEL: 'warn',
    STADTDATEN_DATA_DIR: dataDir,
    STADTDATEN_ANALYTICS: 'false',
  });

  beforeAll(async () => {
    const connectors = join(dataDir, 'connectors.yaml');
    writeFileSync(
      connectors,
      `connectors:
  - name: uba-muenster
    tenant: darmstadt
    decoder: uba-air
    source: { file: "${samplePath('uba-air', 'uba_muenster_DENW095_2022-10-24_2022-11-06.csv')}" }
    mapping: { deviceType: uba-air-station, deviceId: "uba-{key}", fields: { pm10: pm10, no2: no2, o3: o3 } }
  - name: uba-missing-file
    tenant: darmstadt
    decoder: uba-air
    source: { file: "${join(dataDir, 'absent.csv')}" }
    mapping: { deviceType: uba-air-station, deviceId: "uba-{key}" }
`,
    );
    writeFileSync(join(dataDir, 'catalog.yaml'), CATALOG);
    child = spawn(process.execPath, [CLI, 'start', '--no-demo', '--port', '0', '--mqtt-port', '0', '--connectors', connectors], {
      env: env('en_US.UTF-8'),
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    httpUrl = (await waitFor(async () => /Dashboard:\s+(http:\/\/\S+)\//.exec(output)?.[1], (url) => url !== undefined, 60_000))!;
    await run(process.execPath, [CLI, 'catalog', 'apply', join(dataDir, 'catalog.yaml'), '--url', httpUrl], { env: env('en_US.UTF-8') });
  });

  afterAll(async () => {
    child.kill('SIGINT');
    await new Promise((done) => child.once('exit', done));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs a connector and summarises in German', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'connector', 'run', 'uba-muenster', '--url', httpUrl], { env: env('de_DE.UTF-8') });

    expect(stdout).toMatch(/^Ergebnis: erfolgreich; [1-9]\d* Werte zur Prüfung weitergegeben, \d+ in die Dead-Letter-Ablage/m);
  });

  it('ends a first run that fails with its error', async () => {
    const failure = await run(process.execPath, [CLI, 'connector', 'run', 'uba-missing-file', '--url', httpUrl], {
      env: env('en_US.UTF-8'),
      timeout: 30_000,
    }).catch((error: { code: number; stdout: string; stderr: string }) => error);

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stdout: string }).stdout).toMatch(/^result: failed; 0 values passed on to validation/m);
    expect((failure as { stderr: string }).stderr).toContain('cannot read the file');
  });

  it('lists connectors with their last run', async () => {
    const { stdout } = await run(process.execPath, [CLI, 'connector', 'list', '--url', httpUrl], { env: env('en_US.UTF-8') });

    expect(stdout).toMatch(/^uba-muenster\tdarmstadt\tuba-air\t-\tsucceeded /m);
  });

  it('names an unknown connector and exits with 1', async () => {
    const failure = await run(process.execPath, [CLI, 'connector', 'run', 'nope', '--url', httpUrl], { env: env('en_US.UTF-8') }).catch(
      (error: { code: number; stderr: string }) => error,
    );

    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('no connector named "nope"; GET /api/v1/connectors lists the configured ones');
  });
});
