import type { RegistryService } from '@stadtdaten/registry';
import { describeRegistryBackends, type TempRegistry } from '../../registry/test/registry-fixtures';
import { CkanClient } from '../src/ckan/ckan-client';
import { CkanPublisher } from '../src/ckan/ckan-publisher';
import { RegistryPublicationStore } from '../src/ckan/registry-publication-store.adapter';
import { buildCatalogDatasets } from '../src/dcat/catalog-model';
import { OpenDataSettings } from '../src/opendata-settings';
import { FakeCkanServer } from './fake-ckan.server';
import { makeDatastream, makeThing } from './fixtures';

const API_KEY = 'test-api-key-51c0';
const BASE = 'https://daten.example.org';

function makeDatasets(names: string[]) {
  return buildCatalogDatasets(
    names.map((id) => ({
      thing: makeThing({ id, name: `Ort ${id}` }),
      datastreams: [
        {
          datastream: makeDatastream({ id: `${id}-counter.free_spaces`, thingId: id }),
          stats: { count: 10, firstMs: 0, lastMs: 600_000 },
        },
      ],
    })),
  );
}

const BOTH = ['carree', 'luisenplatz'];

/** Fails every package_patch that makes a package private, the way a portal under maintenance does. */
const failWithdrawals = (action: string, body: Record<string, unknown>) =>
  action === 'package_patch' && body.private === true ? { status: 503 } : undefined;

describeRegistryBackends('CKAN publication state', (makeRegistry) => {
  let portal: FakeCkanServer;
  let url: string;
  let temp: TempRegistry;

  /** Opens the registry store and a publisher on it, as a restarted process does. */
  async function startPublisher(): Promise<{ registry: RegistryService; publisher: CkanPublisher }> {
    const registry = await temp.open();
    const client = new CkanClient({ url, apiKey: API_KEY, attempts: 2, retryBaseMs: 5, timeoutMs: 2000 });
    const publisher = new CkanPublisher(
      client,
      new RegistryPublicationStore(registry),
      new OpenDataSettings({ baseUrl: BASE }),
      'stadt-darmstadt',
      BASE,
    );
    await publisher.load();

    return { registry, publisher };
  }

  beforeEach(async () => {
    portal = new FakeCkanServer(API_KEY);
    url = await portal.start();
    temp = makeRegistry();
  });

  afterEach(async () => {
    await portal.stop();
    await temp.cleanup();
  });

  it('keeps states across a restart', async () => {
    const first = await startPublisher();
    portal.fault = (action, body) =>
      action === 'resource_create' &&
      String(body.url).endsWith('format=parquet') &&
      String(body.url).includes('/luisenplatz')
        ? { status: 500 }
        : undefined;
    const run = await first.publisher.publish(makeDatasets(BOTH));
    const before = first.publisher.publication();
    await first.registry.close();

    const second = await startPublisher();

    expect(second.publisher.publication()).toEqual(before);
    expect(second.publisher.publication().lastRun).toEqual(run);
    expect(before.datasets.map((state) => [state.datasetId, state.state, state.failedStep])).toEqual([
      ['darmstadt/carree', 'published', undefined],
      ['darmstadt/luisenplatz', 'failed', 'resource_create'],
    ]);
    expect(before.datasets[0].packageId).toBe(portal.packages.get('darmstadt-carree')!.id);
  });

  it('withdraws a dataset that left the catalog', async () => {
    const { publisher } = await startPublisher();
    await publisher.publish(makeDatasets(BOTH));
    const packageId = portal.packages.get('darmstadt-luisenplatz')!.id;

    const run = await publisher.publish(makeDatasets(['carree']));

    expect(run).toMatchObject({ published: 1, failed: 0, withdrawn: 1 });
    expect(portal.callsOf('package_patch').map((call) => call.body)).toEqual([
      { id: packageId, private: true },
    ]);
    expect(portal.packages.get('darmstadt-luisenplatz')!.private).toBe(true);
    expect(publisher.publication().datasets.map((state) => [state.datasetId, state.state])).toEqual([
      ['darmstadt/carree', 'published'],
      ['darmstadt/luisenplatz', 'withdrawn'],
    ]);
  });

  it('leaves a withdrawn package alone', async () => {
    const { publisher } = await startPublisher();
    await publisher.publish(makeDatasets(BOTH));
    await publisher.publish(makeDatasets(['carree']));
    portal.calls.length = 0;

    const run = await publisher.publish(makeDatasets(['carree']));

    expect(run.withdrawn).toBe(0);
    expect(portal.calls.map((call) => call.action)).toEqual(['package_show']);
    expect(publisher.publication().datasets[1]).toMatchObject({
      datasetId: 'darmstadt/luisenplatz',
      state: 'withdrawn',
    });
  });

  it('withdraws what left while stopped', async () => {
    const first = await startPublisher();
    await first.publisher.publish(makeDatasets(BOTH));
    await first.registry.close();

    const second = await startPublisher();
    const run = await second.publisher.publish(makeDatasets(['carree']));

    expect(run.withdrawn).toBe(1);
    expect(portal.callsOf('package_patch').map((call) => call.body.private)).toEqual([true]);
    expect(portal.packages.get('darmstadt-luisenplatz')!.private).toBe(true);
  });

  it('retries a failed withdrawal on the next run', async () => {
    const first = await startPublisher();
    await first.publisher.publish(makeDatasets(BOTH));
    portal.fault = failWithdrawals;

    const failedRun = await first.publisher.publish(makeDatasets(['carree']));

    expect(failedRun).toMatchObject({ failed: 1, withdrawn: 0 });
    expect(first.publisher.publication().datasets[1]).toMatchObject({
      datasetId: 'darmstadt/luisenplatz',
      state: 'failed',
      failedStep: 'package_patch',
      error: expect.stringMatching(/^withdrawal failed, so the package may still be public: .*status 503/),
    });
    expect(portal.packages.get('darmstadt-luisenplatz')!.private).toBe(false);
    await first.registry.close();

    const second = await startPublisher();
    expect(second.publisher.publication().datasets[1]).toMatchObject({
      state: 'failed',
      failedStep: 'package_patch',
    });
    portal.fault = () => undefined;
    const retried = await second.publisher.publish(makeDatasets(['carree']));

    expect(retried).toMatchObject({ failed: 0, withdrawn: 1 });
    expect(portal.packages.get('darmstadt-luisenplatz')!.private).toBe(true);
    expect(second.publisher.publication().datasets[1]).toMatchObject({
      state: 'withdrawn',
      error: undefined,
      failedStep: undefined,
    });
  });

  it('republishes a dataset that is public again', async () => {
    const { publisher } = await startPublisher();
    await publisher.publish(makeDatasets(BOTH));
    await publisher.publish(makeDatasets(['carree']));
    portal.calls.length = 0;

    await publisher.plan(makeDatasets(BOTH));
    expect(publisher.publication().datasets[1]).toMatchObject({
      datasetId: 'darmstadt/luisenplatz',
      state: 'pending',
    });
    const run = await publisher.publish(makeDatasets(BOTH));

    expect(run).toMatchObject({ published: 2, failed: 0, withdrawn: 0 });
    expect(portal.callsOf('package_patch').map((call) => call.body)).toEqual([
      expect.objectContaining({ private: false }),
    ]);
    expect(portal.callsOf('package_create')).toHaveLength(0);
    expect(portal.packages.get('darmstadt-luisenplatz')!.private).toBe(false);
    expect(publisher.publication().datasets[1]).toMatchObject({ state: 'published', resourcesPublished: 5 });
  });

  it('forgets a dataset the portal never had', async () => {
    const { publisher } = await startPublisher();
    portal.fault = (action, body) =>
      action === 'package_show' && body.id === 'darmstadt-luisenplatz' ? { status: 503 } : undefined;
    await publisher.publish(makeDatasets(BOTH));
    expect(publisher.publication().datasets[1]).toMatchObject({
      state: 'failed',
      failedStep: 'package_show',
    });
    portal.fault = () => undefined;

    const run = await publisher.publish(makeDatasets(['carree']));

    expect(run).toMatchObject({ failed: 0, withdrawn: 0 });
    expect(portal.callsOf('package_patch').map((call) => call.status)).toEqual([404]);
    expect(publisher.publication().datasets.map((state) => state.datasetId)).toEqual(['darmstadt/carree']);
  });

  it('forgets a pending dataset without calls', async () => {
    const { registry, publisher } = await startPublisher();
    await publisher.plan(makeDatasets(BOTH));

    await publisher.publish(makeDatasets(['carree']));

    expect(portal.callsOf('package_patch')).toHaveLength(0);
    expect((await registry.ckanPublications.list()).map((record) => record.datasetId)).toEqual([
      'darmstadt/carree',
    ]);
  });

  it('stores without announcing a registry change', async () => {
    const { registry, publisher } = await startPublisher();
    const changes: string[] = [];
    registry.onChange(() => changes.push('change'));

    await publisher.publish(makeDatasets(BOTH));

    expect(await registry.ckanPublications.list()).toHaveLength(2);
    expect(changes).toEqual([]);
  });
});
