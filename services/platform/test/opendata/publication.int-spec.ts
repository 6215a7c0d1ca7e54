import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenDataSettings } from '@stadtdaten/opendata';
import { FakeCkanServer } from '../../../../libs/opendata/test/fake-ckan.server';
import { waitFor } from '../helpers';
import { type OpenDataApp, applyCatalogTo, startOpenDataApp } from './opendata-app';

const API_KEY = 'ckan-secret-4d1f9e';
const BASE = 'https://daten.example.org';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
  - { id: heag, name: HEAG }
observedProperties:
  - { id: free_spaces, name: Freie Stellplätze, definition: "urn:stadtdaten:property:free_spaces" }
deviceTypes:
  - { id: counter, tenant: darmstadt, name: Zähler, payloadFormat: json, fields: [{ field: free, observedProperty: free_spaces, unit: "{spaces}", type: integer }] }
  - { id: counter, tenant: heag, name: Zähler, payloadFormat: json, fields: [{ field: free, observedProperty: free_spaces, unit: "{spaces}", type: integer }] }
things:
  - { tenant: darmstadt, id: garage, name: Parkhaus Mitte, useCase: parking, location: { type: Point, coordinates: [8.65, 49.87] } }
  - { tenant: darmstadt, id: depot, name: Betriebshof, useCase: parking, location: { type: Point, coordinates: [8.66, 49.86] } }
  - { tenant: heag, id: lot, name: Parkplatz, useCase: parking, location: { type: Point, coordinates: [8.64, 49.88] } }
devices:
  - { tenant: darmstadt, id: garage-counter, type: counter, thing: garage, classification: public }
  - { tenant: darmstadt, id: depot-counter, type: counter, thing: depot, classification: internal }
  - { tenant: heag, id: lot-counter, type: counter, thing: lot, classification: public }
`;

const NEW_THING = `
things:
  - { tenant: darmstadt, id: market, name: Marktplatz, useCase: parking, location: { type: Point, coordinates: [8.655, 49.872] } }
devices:
  - { tenant: darmstadt, id: market-counter, type: counter, thing: market, classification: public }
`;

const GARAGE_INTERNAL = `
devices:
  - { tenant: darmstadt, id: garage-counter, type: counter, thing: garage, classification: internal }
`;

interface Report {
  enabled: boolean;
  running: boolean;
  lastRun?: { startedAt: string; finishedAt: string; published: number; failed: number; withdrawn: number };
  datasets: Array<{ datasetId: string; state: string; error?: string; failedStep?: string; attemptedAt?: string; resourcesPublished: number }>;
}

describe('CKAN publication', () => {
  let portal: FakeCkanServer;
  let sut: OpenDataApp;
  let logs: string[];

  async function start(intervalMs = 3_600_000) {
    logs = [];
    const settings = new OpenDataSettings({
      baseUrl: BASE,
      ckan: { url: await portal.start(), apiKey: API_KEY, organization: 'stadt-darmstadt', intervalMs },
      ckanRetryBaseMs: 10,
      ckanChangeDelayMs: 20,
    });
    sut = await startOpenDataApp({ settings, logSink: (line) => logs.push(line) });
    await applyCatalogTo(sut, CATALOG);
  }

  async function report(tenant = 'platform', roles: Array<'platform-admin' | 'tenant-admin'> = ['platform-admin']): Promise<Report> {
    const token = await sut.issueToken(tenant, roles);
    const response = await fetch(`${sut.url}/api/v1/opendata/publication`, { headers: { authorization: `Bearer ${token}` } });

    return (await response.json()) as Report;
  }

  const settled = (states: string[]) => (value: Report) => !value.running && value.datasets.length > 0 && value.datasets.every((dataset) => states.includes(dataset.state));

  async function startRun() {
    const token = await sut.issueToken('platform', ['platform-admin']);

    return fetch(`${sut.url}/api/v1/opendata/publication/runs`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  }

  beforeEach(() => {
    portal = new FakeCkanServer(API_KEY);
  });

  afterEach(async () => {
    await sut?.stop();
    await portal.stop();
  });

  it('publishes the public datasets after a catalog change', async () => {
    await start();

    const done = await waitFor(report, settled(['published']));

    expect(done.datasets.map((dataset) => dataset.datasetId)).toEqual(['darmstadt/garage', 'heag/lot']);
    expect([...portal.packages.keys()].sort()).toEqual(['darmstadt-garage', 'heag-lot']);
    expect(portal.packages.get('darmstadt-garage')!.resources.map((resource) => resource.url)).toContain(
      `${BASE}/api/v1/tenants/darmstadt/datastreams/garage-counter.free/observations?format=parquet`,
    );
  });

  it('publishes a new public thing', async () => {
    await start();
    await waitFor(report, settled(['published']));

    await applyCatalogTo(sut, NEW_THING);

    await waitFor(async () => portal.packages.has('darmstadt-market') && portal.packages.get('darmstadt-market')!.resources.length === 5, Boolean);
    expect((await waitFor(report, settled(['published']))).datasets).toHaveLength(3);
  });

  it('runs again on the schedule', async () => {
    await start(300);
    await waitFor(report, settled(['published']));
    const runsBefore = portal.callsOf('package_show').length;

    await waitFor(async () => portal.callsOf('package_show').length, (count) => count >= runsBefore + 4);

    expect(portal.callsOf('package_create')).toHaveLength(2);
  });

  it('reports a failing portal per dataset and in the metrics', async () => {
    portal.fault = () => ({ status: 500 });
    await start();

    const failed = await waitFor(report, settled(['failed']));
    const metrics = await (await fetch(`${sut.url}/metrics`)).text();

    expect(failed.datasets[0]).toMatchObject({ state: 'failed', failedStep: 'package_show', error: expect.stringContaining('failed with status 500'), attemptedAt: expect.any(String) });
    expect(metrics).toMatch(/stadtdaten_opendata_datasets\{state="failed"\} 2/);
    expect(metrics).toMatch(/stadtdaten_ckan_requests_total\{action="package_show",outcome="failed"\} \d+/);
    expect(metrics).toMatch(/stadtdaten_ckan_runs_total\{outcome="failed"\} [1-9]/);
  });

  it('says which resources are missing and completes them on the next run', async () => {
    portal.fault = (action, body) => (action === 'resource_create' && String(body.url).includes('format=geojson') ? { status: 503 } : undefined);
    await start();
    const half = await waitFor(report, settled(['failed']));
    expect(half.datasets[0]).toMatchObject({ failedStep: 'resource_create', resourcesPublished: 1 });

    portal.fault = () => undefined;
    expect((await startRun()).status).toBe(202);

    await waitFor(report, settled(['published']));
    expect(portal.packages.get('darmstadt-garage')!.resources).toHaveLength(5);
    expect(portal.callsOf('package_create')).toHaveLength(2);
  });

  it('publishes through a flaky portal', async () => {
    portal.failNext('package_show', 2, 502);
    await start();

    await waitFor(report, settled(['published']));

    expect(logs.some((line) => line.includes('CKAN call retried'))).toBe(true);
  });

  it('keeps the API key out of logs and answers', async () => {
    portal.fault = () => ({ status: 500 });
    await start();
    const failed = await waitFor(report, settled(['failed']));

    expect(portal.calls[0].authorization).toBe(API_KEY);
    expect(JSON.stringify(failed)).not.toContain(API_KEY);
    expect(logs.join('\n')).not.toContain(API_KEY);
    expect(logs.some((line) => line.includes('CKAN publication failed'))).toBe(true);
  });

  it('shows a tenant admin the own datasets only', async () => {
    await start();
    await waitFor(report, settled(['published']));

    const own = await report('heag', ['tenant-admin']);

    expect(own.datasets.map((dataset) => dataset.datasetId)).toEqual(['heag/lot']);
  });

  it('needs a token', async () => {
    await start();

    expect((await fetch(`${sut.url}/api/v1/opendata/publication`)).status).toBe(401);
  });

  it('keeps the report across restarts and withdraws what became internal', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-publication-'));
    const ckan = { url: await portal.start(), apiKey: API_KEY, organization: 'stadt-darmstadt', intervalMs: 3_600_000 };
    const withCkan = (ckanChangeDelayMs: number) => new OpenDataSettings({ baseUrl: BASE, ckan, ckanRetryBaseMs: 10, ckanChangeDelayMs });
    logs = [];
    try {
      sut = await startOpenDataApp({ settings: withCkan(20), dataDir });
      await applyCatalogTo(sut, CATALOG);
      const before = await waitFor(report, settled(['published']));
      await sut.stop();

      // The garage's datastream becomes internal while no publisher runs.
      sut = await startOpenDataApp({ dataDir });
      await applyCatalogTo(sut, GARAGE_INTERNAL);
      await sut.stop();

      // An hour's change delay keeps the first run from starting before the report is read.
      sut = await startOpenDataApp({ settings: withCkan(3_600_000), dataDir, logSink: (line) => logs.push(line) });
      const restarted = await report();
      expect(restarted.datasets).toEqual(before.datasets);
      expect(restarted.lastRun).toEqual(before.lastRun);

      expect((await startRun()).status).toBe(202);
      const after = await waitFor(report, (value) => !value.running && value.lastRun?.startedAt !== before.lastRun?.startedAt);
      const metrics = await (await fetch(`${sut.url}/metrics`)).text();

      expect(after.datasets.map((dataset) => [dataset.datasetId, dataset.state])).toEqual([
        ['darmstadt/garage', 'withdrawn'],
        ['heag/lot', 'published'],
      ]);
      expect(after.lastRun).toMatchObject({ published: 1, failed: 0, withdrawn: 1 });
      expect(portal.callsOf('package_patch').map((call) => call.body)).toEqual([{ id: portal.packages.get('darmstadt-garage')!.id, private: true }]);
      expect(portal.packages.get('darmstadt-garage')!.private).toBe(true);
      expect(metrics).toMatch(/stadtdaten_opendata_datasets\{state="withdrawn"\} 1/);
      expect(logs.some((line) => line.includes('CKAN packages withdrawn') && line.includes('darmstadt/garage'))).toBe(true);
    } finally {
      await sut.stop();
      sut = undefined as unknown as OpenDataApp;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('reports that no portal is configured', async () => {
    sut = await startOpenDataApp();

    expect(await report()).toEqual({ enabled: false, running: false, datasets: [] });
    expect((await startRun()).status).toBe(409);
  });
});
