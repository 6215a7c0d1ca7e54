import { type ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './helpers';

const run = promisify(execFile);

/** The compiled CLI, as `npm start` runs it; `npm test` builds it before jest starts. */
const CLI = resolve(__dirname, '..', 'dist', 'main.js');

const CATALOG = `
tenants:
  - { id: cli-test, name: CLI test }
observedProperties:
  - { id: air_temperature, name: Air temperature, definition: "http://vocabs.lter-europe.net/EnvThes/22035" }
deviceTypes:
  - id: thermo
    tenant: cli-test
    name: Thermometer
    payloadFormat: json
    fields:
      - { field: temperature, observedProperty: air_temperature, unit: Cel, type: number, min: -40, max: 60 }
things:
  - { tenant: cli-test, id: site, name: Site, useCase: weather, location: { type: Point, coordinates: [8.65, 49.87] } }
devices:
  - { tenant: cli-test, id: thermo-1, type: thermo, thing: site, classification: public }
`;

interface Started {
  child: ChildProcessWithoutNullStreams;
  httpUrl: string;
  mqttUrl: string;
  output: () => string;
}

describe('stadtdaten CLI', () => {
  let dataDir: string;
  // The analytics jobs stay off; services/platform/test/analytics.int-spec.ts covers them.
  const env = () => ({
    ...process.env,
    LANG: 'en_US.UTF-8',
    STADTDATEN_LOG_LEVEL: 'warn',
    STADTDATEN_DATA_DIR: dataDir,
    STADTDATEN_ANALYTICS: 'false',
  });

  beforeAll(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-cli-'));
  });

  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  async function start(): Promise<Started> {
    const child = spawn(process.execPath, [CLI, 'start', '--no-demo', '--port', '0', '--mqtt-port', '0'], { env: env() });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const urls = await waitFor(
      async () => ({ http: /Dashboard:\s+(http:\/\/\S+)\//.exec(output)?.[1], mqtt: /MQTT:\s+(mqtt:\/\/\S+)/.exec(output)?.[1] }),
      (found) => found.http !== undefined && found.mqtt !== undefined,
      60_000,
    );

    return { child, httpUrl: urls.http!, mqttUrl: urls.mqtt!, output: () => output };
  }

  async function stop(started: Started): Promise<number | null> {
    const exited = new Promise<number | null>((resolveExit) => started.child.once('exit', resolveExit));
    started.child.kill('SIGINT');

    return exited;
  }

  async function temperatures(httpUrl: string): Promise<number[]> {
    const response = await fetch(
      `${httpUrl}/api/v1/tenants/cli-test/datastreams/thermo-1.temperature/observations?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z`,
    );
    const body = (await response.json()) as { observations?: { result: number }[] };

    return (body.observations ?? []).map((o) => o.result);
  }

  it('applies a catalog, replays readings, stops on SIGINT and keeps data', async () => {
    const first = await start();
    const catalogFile = join(dataDir, 'catalog.yaml');
    const readingsFile = join(dataDir, 'readings.jsonl');
    writeFileSync(catalogFile, CATALOG);
    writeFileSync(
      readingsFile,
      [1, 2, 3].map((day) => JSON.stringify({ time: `2026-01-0${day}T12:00:00Z`, temperature: day * 1.5 })).join('\n'),
    );

    const applied = await run(process.execPath, [CLI, 'catalog', 'apply', catalogFile, '--url', first.httpUrl], { env: env() });
    expect(applied.stdout).toContain('catalog applied');

    const replayed = await run(
      process.execPath,
      [CLI, 'replay', readingsFile, '--format', 'json', '--tenant', 'cli-test', '--device', 'thermo-1', '--mqtt-url', first.mqttUrl],
      { env: env() },
    );
    expect(replayed.stdout).toContain('sent: 3, acknowledged: 3, failed: 0');

    await waitFor(() => temperatures(first.httpUrl), (values) => values.length === 3);
    expect(await stop(first)).toBe(0);
    expect(first.output()).toContain('stadtdaten stopped.');

    const second = await start();
    try {
      expect(await temperatures(second.httpUrl)).toEqual([1.5, 3, 4.5]);
      const ready = await fetch(`${second.httpUrl}/health/ready`);
      expect(ready.status).toBe(200);
    } finally {
      await stop(second);
    }
  }, 120_000);

  it('names an invalid setting and exits non-zero', async () => {
    const failed = run(process.execPath, [CLI, 'start', '--no-demo'], { env: { ...env(), STADTDATEN_HTTP_PORT: 'eighty' } });

    await expect(failed).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('STADTDATEN_HTTP_PORT') });
    await expect(failed).rejects.toMatchObject({ stderr: expect.not.stringContaining('Hinweis:') });
  });

  it('prints German messages unless LANG selects English', async () => {
    const failed = run(process.execPath, [CLI, 'start', '--no-demo'], {
      env: { ...env(), LANG: 'de_DE.UTF-8', STADTDATEN_HTTP_PORT: 'eighty' },
    });

    await expect(failed).rejects.toMatchObject({ stderr: expect.stringContaining('Fehler:') });
    // The English detail of a configuration error is followed by the German meaning of its code.
    await expect(failed).rejects.toMatchObject({ stderr: expect.stringContaining('Hinweis: Eine Einstellung ist ungültig') });
  });
});
