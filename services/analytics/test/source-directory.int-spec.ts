import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clock } from '@stadtdaten/contracts';
import { type RegistryService, openRegistry } from '@stadtdaten/registry';
import { AnalyticsSettings } from '../src/analytics-settings';
import { parseAnalyticsDefinition } from '../src/definition/analytics-definition.loader';
import { SourceDirectory } from '../src/derived/source-directory.service';

const TENANT = 'directory-test';
const WAIT_MS = 10_000;

const settings = new AnalyticsSettings(parseAnalyticsDefinition({}, 'test document'), undefined, true, {
  initialDelayMs: 3_600_000,
  directoryTtlMs: 3_600_000,
  lagRefreshMs: 1000,
});

function catalog(deviceIds: string[]) {
  return {
    tenants: [{ id: TENANT, name: 'Directory test' }],
    observedProperties: [{ id: 'power', name: 'Leistung', definition: 'urn:stadtdaten:property:power' }],
    deviceTypes: [
      {
        id: 'meter',
        tenant: TENANT,
        name: 'Meter',
        payloadFormat: 'json',
        fields: [{ field: 'power', observedProperty: 'power', unit: 'W', type: 'number' }],
      },
    ],
    things: [
      {
        tenant: TENANT,
        id: 'thing-1',
        name: 'Thing 1',
        useCase: 'energy',
        location: { type: 'Point', coordinates: [8.6512, 49.8727] },
      },
    ],
    devices: deviceIds.map((id) => ({
      tenant: TENANT,
      id,
      type: 'meter',
      thing: 'thing-1',
      classification: 'public',
    })),
  };
}

/** Polls until `check` holds; fails after WAIT_MS. */
async function waitFor(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await check())) {
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${WAIT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe(SourceDirectory.name, () => {
  let dataDir: string;
  let registry: RegistryService;
  let sut: SourceDirectory;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-directory-'));
    registry = await openRegistry({ type: 'sqlite', path: join(dataDir, 'registry.sqlite') });
    await registry.applyCatalog(catalog(['meter-1']));
    sut = new SourceDirectory(registry, new Clock(), settings);
  });

  afterEach(async () => {
    sut.onModuleDestroy();
    await registry.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('reuses a snapshot while the registry is unchanged', async () => {
    const listDatastreams = jest.spyOn(registry, 'listDatastreams');

    const first = await sut.sources(TENANT);
    const second = await sut.sources(TENANT);

    expect(second).toBe(first);
    expect(listDatastreams).toHaveBeenCalledTimes(1);
    expect(first.datastreamsByDevice.get('meter-1')?.map((datastream) => datastream.id)).toEqual([
      'meter-1.power',
    ]);
  });

  it('shares one load among concurrent callers', async () => {
    const listDevices = jest.spyOn(registry, 'listDevices');

    const [first, second] = await Promise.all([sut.sources(TENANT), sut.sources(TENANT)]);

    expect(second).toBe(first);
    expect(listDevices).toHaveBeenCalledTimes(1);
  });

  it('reloads after a write through this process', async () => {
    await sut.sources(TENANT);

    await registry.applyCatalog(catalog(['meter-1', 'meter-2']));

    expect((await sut.sources(TENANT)).devices.has('meter-2')).toBe(true);
  });

  it('defers reloads during own writes', async () => {
    const before = await sut.sources(TENANT);

    const during = await sut.withInvalidationDeferred(async () => {
      await registry.applyCatalog(catalog(['meter-1', 'meter-2']));

      return sut.sources(TENANT);
    });

    expect(during).toBe(before);
    expect((await sut.sources(TENANT)).devices.has('meter-2')).toBe(true);
  });

  it('reloads after a write of another connection', async () => {
    let checks = 0;
    const stopCounting = registry.onExternalChange(() => (checks += 1));
    const stopWatching = registry.watchExternalChanges(20);
    const other = await openRegistry({ type: 'sqlite', path: join(dataDir, 'registry.sqlite') });
    try {
      // The watcher's first check counts as a change; load after it, so only the write can end the reuse.
      await waitFor(async () => checks > 0);
      const before = await sut.sources(TENANT);
      expect(before.devices.has('meter-3')).toBe(false);

      await other.applyCatalog(catalog(['meter-1', 'meter-3']));

      await waitFor(async () => (await sut.sources(TENANT)).devices.has('meter-3'));
    } finally {
      stopWatching();
      stopCounting();
      await other.close();
    }
  });
});
