import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { RegistryService } from '@stadtdaten/registry';
import { describeRegistryBackends, type TempRegistry } from './registry-fixtures';

const DEMO_CATALOG = resolve(
  __dirname,
  '..',
  '..',
  '..',
  'services',
  'platform',
  'catalogs',
  'demo-darmstadt.yaml',
);

/** Bounding box of the city of Darmstadt, generous by a few kilometres. */
const DARMSTADT = { west: 8.55, east: 8.75, south: 49.8, north: 49.95 };

describeRegistryBackends(`${RegistryService.name} with the Darmstadt demo catalog`, (makeRegistry) => {
  let temp: TempRegistry;
  let sut: RegistryService;

  beforeEach(async () => {
    temp = makeRegistry();
    sut = await temp.open();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  async function applyDemo() {
    return sut.applyCatalog(sut.parseCatalog(readFileSync(DEMO_CATALOG, 'utf8'), DEMO_CATALOG));
  }

  it('applies cleanly and idempotently', async () => {
    const first = await applyDemo();
    const second = await applyDemo();

    expect(first.created).toBeGreaterThan(0);
    expect(first.updated).toBe(0);
    expect(second).toEqual({ created: 0, updated: 0, unchanged: first.created, changes: [] });
  });

  it('has the expected things per use case', async () => {
    await applyDemo();

    const things = await sut.listThings('darmstadt');
    const perUseCase = new Map<string, number>();
    for (const thing of things) {
      perUseCase.set(thing.useCase, (perUseCase.get(thing.useCase) ?? 0) + 1);
    }

    expect(Object.fromEntries(perUseCase)).toEqual({
      parking: 6,
      'air-quality': 3,
      waste: 8,
      'bike-counts': 3,
    });
  });

  it('places every thing in Darmstadt', async () => {
    await applyDemo();

    for (const thing of await sut.listThings('darmstadt')) {
      const [longitude, latitude] = thing.location.coordinates as number[];
      expect(longitude).toBeGreaterThan(DARMSTADT.west);
      expect(longitude).toBeLessThan(DARMSTADT.east);
      expect(latitude).toBeGreaterThan(DARMSTADT.south);
      expect(latitude).toBeLessThan(DARMSTADT.north);
    }
  });

  it('publishes every datastream', async () => {
    await applyDemo();

    const all = await sut.listDatastreams('darmstadt');
    const published = await sut.listDatastreams('darmstadt', { publicOnly: true });

    expect(all.length).toBeGreaterThan(0);
    expect(published.map((datastream) => datastream.id)).toEqual(all.map((datastream) => datastream.id));
    expect((await sut.listThings('darmstadt', { publicOnly: true })).length).toBe(20);
  });

  it('uses demo devices with json payloads', async () => {
    await applyDemo();

    for (const device of await sut.listDevices('darmstadt')) {
      expect(device.id).toMatch(/^demo-/);
      expect(device.payloadFormat).toBe('json');
      expect(device.datastreamIds.length).toBeGreaterThan(0);
    }
  });
});
