import { SOURCE_DECODERS, type ConnectorRunReport } from '@stadtdaten/connectors';
import { describeWithSamples, samplePath } from '@stadtdaten/testing';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from './helpers';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
observedProperties:
  - { id: free_parking_spaces, name: Freie Stellplätze, definition: "urn:stadtdaten:property:free_parking_spaces" }
  - { id: parking_capacity, name: Stellplätze gesamt, definition: "urn:stadtdaten:property:parking_capacity" }
  - { id: parking_status, name: Status, definition: "urn:stadtdaten:property:parking_status" }
deviceTypes:
  - id: geojson-parking-facility
    tenant: darmstadt
    name: Parking facility (GeoJSON)
    payloadFormat: json
    fields:
      - { field: free_spaces, observedProperty: free_parking_spaces, unit: '{spaces}', type: integer, min: 0, max: 5000 }
      - { field: capacity, observedProperty: parking_capacity, unit: '{spaces}', type: integer, min: 0, max: 5000 }
      - { field: status, observedProperty: parking_status, unit: '1', type: string }
`;

async function waitForRun(platform: RunningPlatform, token: string, name: string, after: number): Promise<ConnectorRunReport> {
  const { body } = await waitFor(
    () => getJson(platform, `/api/v1/connectors/${name}`, token),
    (response) => response.body.running === false && response.body.lastRun?.startedAtMs >= after && response.body.lastRun.outcome !== 'running',
    30_000,
  );

  return body.lastRun;
}

describeWithSamples('connectors in the embedded platform', () => {
  const geojson = readFileSync(samplePath('parking', 'karlsruhe_parkhaeuser.geojson')!);
  let server: Server;
  let platform: RunningPlatform;
  let cleanup: () => void;
  let admin: string;
  let requests = 0;

  beforeAll(async () => {
    server = createServer((request, response) => {
      requests += 1;
      if (request.url === '/parking.geojson') {
        if (request.headers['if-none-match'] === '"karlsruhe-1"') {
          response.writeHead(304).end();
          return;
        }
        response.writeHead(200, { etag: '"karlsruhe-1"', 'content-type': 'application/geo+json' }).end(geojson);
        return;
      }
      response.writeHead(503).end('maintenance');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const started = await startTestPlatform();
    await started.platform.stop();
    const connectorsFile = join(started.dataDir, 'connectors.yaml');
    writeFileSync(
      connectorsFile,
      `connectors:
  - name: parking-karlsruhe
    tenant: darmstadt
    decoder: parking-geojson
    source: { url: "${base}/parking.geojson", retries: 1, retryBaseMs: 10 }
    mapping: { deviceType: geojson-parking-facility, deviceId: "karlsruhe-{key}", register: true, useCase: parking, classification: public }
  - name: broken-source
    tenant: darmstadt
    decoder: parking-geojson
    source: { url: "${base}/down", retries: 1, retryBaseMs: 10 }
    mapping: { deviceType: geojson-parking-facility, deviceId: "x-{key}" }
`,
    );
    ({ platform, cleanup } = await startTestPlatform({ dataDir: started.dataDir, connectorsFile }));
    await applyCatalog(platform, CATALOG);
    admin = await platform.issueToken('platform', ['platform-admin'], 'operator');
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
    await new Promise((resolve) => server.close(resolve));
  });

  async function run(name: string): Promise<ConnectorRunReport> {
    const before = Date.now();
    const response = await fetch(`${platform.httpUrl}/api/v1/connectors/${name}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.status).toBe(202);

    return waitForRun(platform, admin, name, before - 1000);
  }

  it('registers facilities and stores their values like sensor readings', async () => {
    const decoder = SOURCE_DECODERS.find((entry) => entry.name === 'parking-geojson')!;
    const expected = decoder.decode(geojson, { sourceName: 'parking.geojson', timeZone: 'Europe/Berlin', nowMs: Date.now(), options: {} });
    const sample = expected.records.find((record) => record.field === 'free_spaces')!;

    const report = await run('parking-karlsruhe');

    expect(report).toMatchObject({ outcome: 'succeeded', records: expected.records.length, published: expected.records.length, missing: expected.missing });
    expect(report.registered).toBe(expected.features.filter((feature) => feature.geometry !== undefined).length);
    const datastream = `karlsruhe-${sample.featureKey.toLowerCase()}.free_spaces`;
    const { body } = await waitFor(
      () => getJson(platform, `/api/v1/tenants/darmstadt/datastreams/${datastream}/observations?from=2000-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`),
      (response) => response.body.observations?.length === 1,
    );
    expect(body.observations[0]).toMatchObject({ result: sample.value, phenomenonTime: new Date(sample.timeMs).toISOString() });
    const thing = await getJson(platform, `/api/v1/tenants/darmstadt/things/karlsruhe-${sample.featureKey.toLowerCase()}`);
    expect(thing.body.useCase).toBe('parking');
  });

  it('skips an unchanged source by its ETag', async () => {
    const requestsBefore = requests;
    const report = await run('parking-karlsruhe');

    expect(report).toMatchObject({ outcome: 'not-modified', published: 0, registered: 0 });
    expect(requests).toBe(requestsBefore + 1);
  });

  it('reports a failing source without stopping the others', async () => {
    const failed = await run('broken-source');

    expect(failed.outcome).toBe('failed');
    expect(failed.error).toContain('answered 503');
    const { body } = await getJson(platform, '/api/v1/connectors', admin);
    const names = body.items.map((item: { name: string; lastRun?: ConnectorRunReport }) => [item.name, item.lastRun?.outcome]);
    expect(names).toEqual([
      ['parking-karlsruhe', 'not-modified'],
      ['broken-source', 'failed'],
    ]);
    const metrics = await (await fetch(`${platform.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/stadtdaten_connector_runs_total\{connector="broken-source",outcome="failed"\} 1/);
  });

  it('limits connector status to the tenant and its admins', async () => {
    const heagAdmin = await platform.issueToken('heag', ['tenant-admin'], 'heag-admin');
    const darmstadtAnalyst = await platform.issueToken('darmstadt', ['analyst'], 'analyst');

    expect((await getJson(platform, '/api/v1/connectors/parking-karlsruhe', heagAdmin)).status).toBe(403);
    expect((await getJson(platform, '/api/v1/connectors', darmstadtAnalyst)).status).toBe(403);
    expect((await getJson(platform, '/api/v1/connectors')).status).toBe(401);
  });
});
