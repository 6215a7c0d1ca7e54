import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Clock, ErrorCode } from '@stadtdaten/contracts';
import { ProcessLogger } from '@stadtdaten/observability';
import { type RegistryService, openRegistry } from '@stadtdaten/registry';
import pino from 'pino';
import { AnalyticsSettings } from '../src/analytics-settings';
import type { RollupJobDefinition } from '../src/definition/analytics-file.schema';
import { parseAnalyticsDefinition } from '../src/definition/analytics-definition.loader';
import { type DerivedPlan, buildPerSourcePlan } from '../src/derived/derived-catalog';
import { DerivedRegistrar } from '../src/derived/derived-registrar.service';
import { SourceDirectory } from '../src/derived/source-directory.service';
import { rollupKind } from '../src/rollups/rollup.kind';

const TENANT = 'registrar-test';
const METERS = 40;

const settings = new AnalyticsSettings(parseAnalyticsDefinition({}, 'test document'), undefined, true, {
  initialDelayMs: 3_600_000,
  directoryTtlMs: 60_000,
  lagRefreshMs: 1000,
});
const rollups = settings.definition.jobs.find((job) => job.kind === 'rollup') as RollupJobDefinition;

function meterIds(count: number): string[] {
  return Array.from({ length: count }, (_, index) => `meter-${String(index).padStart(3, '0')}`);
}

function sourceCatalog(ids: string[]) {
  return {
    tenants: [{ id: TENANT, name: 'Registrar test' }],
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
    things: ids.map((id) => ({
      tenant: TENANT,
      id: `thing-${id}`,
      name: id,
      useCase: 'energy',
      location: { type: 'Point', coordinates: [8.6512, 49.8727] },
    })),
    devices: ids.map((id) => ({
      tenant: TENANT,
      id,
      type: 'meter',
      thing: `thing-${id}`,
      classification: 'public',
    })),
  };
}

describe(DerivedRegistrar.name, () => {
  let dataDir: string;
  let registry: RegistryService;
  let directory: SourceDirectory;
  let sut: DerivedRegistrar;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-registrar-'));
    registry = await openRegistry({ type: 'sqlite', path: join(dataDir, 'registry.sqlite') });
    directory = new SourceDirectory(registry, new Clock(), settings);
    sut = new DerivedRegistrar(registry, directory, new ProcessLogger(pino({ level: 'silent' })));
  });

  afterEach(async () => {
    await registry.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function rollupPlans(): Promise<DerivedPlan[]> {
    const sources = await directory.sources(TENANT);

    return [...sources.devices.values()].flatMap(
      (device) => buildPerSourcePlan(TENANT, rollupKind(rollups), device, sources, () => true) ?? [],
    );
  }

  describe('registerAll', () => {
    it('registers many plans with one document', async () => {
      await registry.applyCatalog(sourceCatalog(meterIds(METERS)));
      const plans = await rollupPlans();
      const applyCatalog = jest.spyOn(registry, 'applyCatalog');

      await sut.registerAll(plans);

      expect(plans).toHaveLength(METERS);
      expect(applyCatalog).toHaveBeenCalledTimes(1);
      const derived = (await registry.listDevices(TENANT)).filter(
        (device) => device.deviceTypeId === 'analytics-rollup-meter',
      );
      expect(derived.map((device) => device.id)).toEqual(meterIds(METERS).map((id) => `rollup-${id}`));
      expect(
        (await registry.listDatastreams(TENANT)).filter(
          (datastream) => datastream.deviceId === 'rollup-meter-000',
        ),
      ).toHaveLength(15);
    });

    it('leaves nothing for ensure to write', async () => {
      await registry.applyCatalog(sourceCatalog(meterIds(3)));
      const plans = await rollupPlans();
      await sut.registerAll(plans);
      const applyCatalog = jest.spyOn(registry, 'applyCatalog');

      const streams = await Promise.all(plans.map((plan) => sut.ensure(plan)));

      expect(applyCatalog).not.toHaveBeenCalled();
      expect(streams).toEqual(plans.map((plan) => plan.streams));
    });

    it('leaves a conflicting device to ensure', async () => {
      const ids = meterIds(3);
      await registry.applyCatalog(sourceCatalog(ids));
      const plans = await rollupPlans();
      await registry.applyCatalog({
        devices: [{ tenant: TENANT, id: 'rollup-meter-001', type: 'meter', thing: 'thing-meter-001' }],
      });

      await sut.registerAll(plans);

      const devices = new Map((await registry.listDevices(TENANT)).map((device) => [device.id, device]));
      expect(devices.get('rollup-meter-000')?.deviceTypeId).toBe('analytics-rollup-meter');
      expect(devices.get('rollup-meter-001')?.deviceTypeId).toBe('meter');
      expect(devices.get('rollup-meter-002')?.deviceTypeId).toBe('analytics-rollup-meter');
      await expect(sut.ensure(plans[1])).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
    });
  });
});
