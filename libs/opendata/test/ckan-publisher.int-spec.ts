import { createServer } from 'node:net';
import { type RegistryService, openRegistry } from '@stadtdaten/registry';
import { CkanClient, CkanError } from '../src/ckan/ckan-client';
import { packageNameOf } from '../src/ckan/ckan-package.mapper';
import { CkanPublisher } from '../src/ckan/ckan-publisher';
import { RegistryPublicationStore } from '../src/ckan/registry-publication-store.adapter';
import { buildCatalogDatasets } from '../src/dcat/catalog-model';
import { OpenDataSettings } from '../src/opendata-settings';
import { FakeCkanServer } from './fake-ckan.server';
import { makeDatastream, makeThing } from './fixtures';

const API_KEY = 'test-api-key-7f3a';
const BASE = 'https://daten.example.org';

function makeClient(url: string, overrides: Partial<ConstructorParameters<typeof CkanClient>[0]> = {}) {
  return new CkanClient({ url, apiKey: API_KEY, attempts: 3, retryBaseMs: 5, timeoutMs: 2000, ...overrides });
}

function makeDatasets(names = ['carree', 'luisenplatz']) {
  return buildCatalogDatasets(
    names.map((id) => ({
      thing: makeThing({ id, name: `Ort ${id}` }),
      datastreams: [{ datastream: makeDatastream({ id: `${id}-counter.free_spaces`, thingId: id }), stats: { count: 10, firstMs: 0, lastMs: 600_000 } }],
    })),
  );
}

/** Finds a port on 127.0.0.1 that nothing listens on, for a portal that does not respond. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));

  return port;
}

describe(CkanClient.name, () => {
  let portal: FakeCkanServer;
  let url: string;

  beforeEach(async () => {
    portal = new FakeCkanServer(API_KEY);
    url = await portal.start();
  });

  afterEach(() => portal.stop());

  it('sends the API key and returns the result', async () => {
    portal.packages.set('a', { id: 'id-a', name: 'a', resources: [] });

    expect(await makeClient(url).call('package_show', { id: 'a' })).toMatchObject({ id: 'id-a' });
    expect(portal.calls[0].authorization).toBe(API_KEY);
  });

  it('retries a flaky portal with backoff', async () => {
    portal.failNext('package_show', 2, 503);
    const retries: number[] = [];
    const client = makeClient(url, { onRetry: ({ delayMs }) => retries.push(delayMs) });

    expect(await client.showPackage('missing')).toBeUndefined();
    expect(portal.callsOf('package_show').map((call) => call.status)).toEqual([503, 503, 404]);
    expect(retries).toEqual([5, 10]);
  });

  it('gives up after the last attempt', async () => {
    portal.fault = () => ({ status: 500 });

    await expect(makeClient(url).call('package_show', { id: 'a' })).rejects.toMatchObject({ status: 500, retriable: true });
    expect(portal.calls).toHaveLength(3);
  });

  it('does not retry a validation error', async () => {
    portal.packages.set('a', { id: 'id-a', name: 'a', resources: [] });

    const error = await makeClient(url).call('package_create', { name: 'a' }).catch((caught: CkanError) => caught);

    expect(error).toBeInstanceOf(CkanError);
    expect((error as CkanError).message).toContain('That URL is already in use.');
    expect(portal.calls).toHaveLength(1);
  });

  it('retries a dropped connection', async () => {
    let drops = 1;
    portal.fault = () => (drops-- > 0 ? 'drop' : undefined);
    portal.packages.set('a', { id: 'id-a', name: 'a', resources: [] });

    expect(await makeClient(url).call('package_show', { id: 'a' })).toMatchObject({ id: 'id-a' });
    expect(portal.calls).toHaveLength(2);
  });

  it('retries a portal that does not listen', async () => {
    const client = makeClient(`http://127.0.0.1:${await closedPort()}`, { attempts: 2 });

    await expect(client.call('package_show', { id: 'a' })).rejects.toMatchObject({ retriable: true, status: undefined });
  });

  it('keeps the API key out of error messages', async () => {
    portal.fault = () => ({ status: 502, body: `<html>bad gateway</html>` });

    const error = (await makeClient(url).call('package_show', { id: 'a' }).catch((caught: unknown) => caught)) as Error;

    expect(error.message).toContain('502');
    expect(error.message).not.toContain(API_KEY);
    expect(JSON.stringify(error)).not.toContain(API_KEY);
  });
});

describe(CkanPublisher.name, () => {
  let portal: FakeCkanServer;
  let registry: RegistryService;
  let sut: CkanPublisher;

  beforeEach(async () => {
    portal = new FakeCkanServer(API_KEY);
    const url = await portal.start();
    registry = await openRegistry({ type: 'sqlite', path: ':memory:' });
    sut = new CkanPublisher(makeClient(url), new RegistryPublicationStore(registry), new OpenDataSettings({ baseUrl: BASE }), 'stadt-darmstadt', BASE);
  });

  afterEach(async () => {
    await portal.stop();
    await registry.close();
  });

  it('creates packages with their resources', async () => {
    const run = await sut.publish(makeDatasets());

    expect(run).toMatchObject({ published: 2, failed: 0 });
    const pkg = portal.packages.get('darmstadt-carree')!;
    expect(pkg).toMatchObject({ title: 'Ort carree', owner_org: 'stadt-darmstadt', license_id: 'dl-by-de/2.0', private: false });
    expect(pkg.resources.map((resource) => resource.format)).toEqual(['CSV', 'GeoJSON', 'JSON', 'Parquet', 'OGC SensorThings API']);
    expect(sut.publication().datasets.map((state) => state.state)).toEqual(['published', 'published']);
  });

  it('changes nothing on an unchanged catalog', async () => {
    await sut.publish(makeDatasets());
    portal.calls.length = 0;

    await sut.publish(makeDatasets());

    expect(portal.calls.map((call) => call.action)).toEqual(['package_show', 'package_show']);
  });

  it('patches changed fields and resources', async () => {
    await sut.publish(makeDatasets(['carree']));
    portal.calls.length = 0;
    const [dataset] = makeDatasets(['carree']);
    dataset.title = 'Parkhaus Carree (neu)';
    dataset.distributions[0].title = 'Neuer Titel (CSV)';

    await sut.publish([dataset]);

    expect(portal.callsOf('package_patch').map((call) => call.body)).toEqual([expect.objectContaining({ title: 'Parkhaus Carree (neu)' })]);
    expect(portal.callsOf('resource_patch')).toHaveLength(1);
    expect(portal.packages.get('darmstadt-carree')!.resources[0].name).toBe('Neuer Titel (CSV)');
  });

  it('reports resources that failed after the package was created', async () => {
    portal.fault = (action, body) => (action === 'resource_create' && String(body.url).endsWith('format=parquet') ? { status: 500 } : undefined);

    await sut.publish(makeDatasets(['carree']));

    expect(sut.publication().datasets[0]).toMatchObject({
      state: 'failed',
      failedStep: 'resource_create',
      resourcesPublished: 3,
      resourcesTotal: 5,
      error: expect.stringContaining('failed with status 500'),
    });
    expect(portal.packages.get('darmstadt-carree')!.resources).toHaveLength(3);
  });

  it('completes a half-published package on the next run', async () => {
    portal.fault = (action, body) => (action === 'resource_create' && String(body.url).endsWith('format=parquet') ? { status: 500 } : undefined);
    await sut.publish(makeDatasets(['carree']));
    portal.fault = () => undefined;

    await sut.publish(makeDatasets(['carree']));

    expect(sut.publication().datasets[0]).toMatchObject({ state: 'published', resourcesPublished: 5, error: undefined });
    expect(portal.packages.get('darmstadt-carree')!.resources.map((resource) => resource.format)).toEqual(['CSV', 'GeoJSON', 'JSON', 'Parquet', 'OGC SensorThings API']);
    expect(portal.callsOf('package_create')).toHaveLength(1);
  });

  it('marks every dataset failed on a failing portal', async () => {
    portal.fault = () => ({ status: 503 });

    const run = await sut.publish(makeDatasets());

    expect(run).toMatchObject({ published: 0, failed: 2 });
    expect(sut.publication().datasets.map((state) => [state.state, state.failedStep])).toEqual([
      ['failed', 'package_show'],
      ['failed', 'package_show'],
    ]);
    expect(portal.calls).toHaveLength(6);
  });

  it('publishes through a flaky portal', async () => {
    portal.failNext('package_create', 1, 502);
    portal.failNext('resource_create', 2, 504);

    const run = await sut.publish(makeDatasets(['carree']));

    expect(run).toMatchObject({ published: 1, failed: 0 });
    expect(portal.packages.get('darmstadt-carree')!.resources).toHaveLength(5);
  });

  it('finds a package whose create answer was lost', async () => {
    let lost = false;
    portal.fault = (action) => {
      if (action === 'package_create' && !lost) {
        lost = true;

        return 'lose-answer';
      }

      return undefined;
    };

    const run = await sut.publish(makeDatasets(['carree']));

    expect(run.published).toBe(1);
    expect(portal.callsOf('package_create').map((call) => call.status)).toEqual([200, 409]);
    expect(portal.packages.size).toBe(1);
    expect(portal.packages.get('darmstadt-carree')!.resources).toHaveLength(5);
  });
});

describe('packageNameOf', () => {
  it.each([
    ['darmstadt/carree', 'darmstadt-carree'],
    ['darmstadt/Carree', 'darmstadt-carree-'],
    ['samples/urn:dev:1', 'samples-urn-dev-1-'],
  ])('names %s', (id, prefix) => {
    const name = packageNameOf(id);

    expect(name.startsWith(prefix)).toBe(true);
    expect(name).toMatch(/^[a-z0-9_-]{2,100}$/);
  });

  it('keeps ids apart that differ in case', () => {
    expect(packageNameOf('darmstadt/Carree')).not.toBe(packageNameOf('darmstadt/carree'));
  });
});
