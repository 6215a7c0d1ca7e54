import { type AppError, ErrorCode } from '@stadtdaten/contracts';
import { RegistryService } from '@stadtdaten/registry';
import { describeRegistryBackends, makeCatalog, type TempRegistry } from './registry-fixtures';

async function rejectionOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught as AppError,
  );
  if (error === undefined) {
    throw new Error('the call succeeded but was expected to fail');
  }

  return error;
}

describeRegistryBackends(RegistryService.name, (makeRegistry) => {
  let temp: TempRegistry;
  let sut: RegistryService;

  beforeEach(async () => {
    temp = makeRegistry();
    sut = await temp.open();
    await sut.applyCatalog(makeCatalog());
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  describe('tenants', () => {
    it('lists and gets tenants', async () => {
      const tenant = { id: 'darmstadt', name: 'Wissenschaftsstadt Darmstadt', storageProfile: 'onprem-darz' };

      expect(await sut.listTenants()).toEqual([tenant]);
      expect(await sut.getTenant('darmstadt')).toEqual(tenant);
      expect(await sut.getTenant('offenbach')).toBeUndefined();
    });
  });

  describe('listThings', () => {
    it('returns every thing with its datastreams', async () => {
      const things = await sut.listThings('darmstadt');

      expect(things.map((thing) => thing.id)).toEqual(['huegelstrasse', 'luisenplatz']);
      expect(things[0]).toEqual({
        tenant: 'darmstadt',
        id: 'huegelstrasse',
        name: 'Hügelstraße',
        description: '',
        useCase: 'air-quality',
        location: { type: 'Point', coordinates: [8.6535, 49.8696] },
        properties: { operator: 'HLNUG' },
        datastreamIds: ['dht22-4711.humidity', 'dht22-4711.temperature'],
      });
    });

    it('hides internal things and datastreams when publicOnly', async () => {
      const things = await sut.listThings('darmstadt', { publicOnly: true });

      expect(things.map((thing) => [thing.id, thing.datastreamIds])).toEqual([
        ['luisenplatz', ['sds011-15092.P2']],
      ]);
    });

    it('hides personal and retired datastreams when publicOnly', async () => {
      const catalog = makeCatalog();
      catalog.devices[1].classification = 'personal';
      await sut.applyCatalog(catalog);
      await sut.retireDatastream('darmstadt', 'sds011-15092.P2');

      expect(await sut.listThings('darmstadt', { publicOnly: true })).toEqual([]);
      expect(await sut.listDatastreams('darmstadt', { publicOnly: true })).toEqual([]);
      expect(await sut.listDatastreams('darmstadt')).toHaveLength(4);
    });

    it('scopes things to the tenant', async () => {
      expect(await sut.listThings('offenbach')).toEqual([]);
      expect(await sut.getThing('offenbach', 'luisenplatz')).toBeUndefined();
    });
  });

  describe('getThing', () => {
    it('includes internal datastreams', async () => {
      const thing = await sut.getThing('darmstadt', 'luisenplatz');

      expect(thing?.datastreamIds).toEqual(['sds011-15092.P1', 'sds011-15092.P2']);
    });

    it('returns undefined for an unknown thing', async () => {
      expect(await sut.getThing('darmstadt', 'kantplatz')).toBeUndefined();
    });
  });

  describe('listDatastreams', () => {
    it('filters by thing', async () => {
      const datastreams = await sut.listDatastreams('darmstadt', { thingId: 'huegelstrasse' });

      expect(datastreams.map((datastream) => datastream.id)).toEqual([
        'dht22-4711.humidity',
        'dht22-4711.temperature',
      ]);
    });

    it('filters by thing and publicOnly', async () => {
      expect(await sut.listDatastreams('darmstadt', { thingId: 'huegelstrasse', publicOnly: true })).toEqual(
        [],
      );
      expect(
        (await sut.listDatastreams('darmstadt', { thingId: 'luisenplatz', publicOnly: true })).map(
          (d) => d.id,
        ),
      ).toEqual(['sds011-15092.P2']);
    });
  });

  describe('getDatastream', () => {
    it('returns the datastream with property and unit', async () => {
      const datastream = await sut.getDatastream('darmstadt', 'dht22-4711.temperature');

      expect(datastream).toEqual({
        tenant: 'darmstadt',
        id: 'dht22-4711.temperature',
        name: 'Lufttemperatur – Hügelstraße',
        description: '',
        thingId: 'huegelstrasse',
        deviceId: 'dht22-4711',
        field: 'temperature',
        observedProperty: {
          id: 'air_temperature',
          name: 'Lufttemperatur',
          definition: 'urn:stadtdaten:property:air_temperature',
          description: '',
        },
        unit: { code: 'Cel', symbol: '°C', label: { de: 'Grad Celsius', en: 'degrees Celsius' } },
        valueSchema: { type: 'number', min: -40, max: 80 },
        classification: 'internal',
        retentionDays: null,
        storageProfile: 'onprem-darz',
        retired: false,
      });
    });

    it('returns undefined for an unknown or foreign datastream', async () => {
      expect(await sut.getDatastream('darmstadt', 'sds011-15092.P3')).toBeUndefined();
      expect(await sut.getDatastream('offenbach', 'sds011-15092.P2')).toBeUndefined();
    });
  });

  describe('listDevices', () => {
    it('returns devices with type settings and datastreams', async () => {
      const devices = await sut.listDevices('darmstadt');

      expect(devices.map((device) => device.id)).toEqual(['dht22-4711', 'sds011-15092']);
      expect(devices[0]).toMatchObject({
        deviceTypeId: 'dht22',
        thingId: 'huegelstrasse',
        payloadFormat: 'sensor-community',
        timeZone: 'Europe/Berlin',
        classification: 'internal',
        datastreamIds: ['dht22-4711.humidity', 'dht22-4711.temperature'],
      });
      expect(devices[1].codec).toBeUndefined();
      expect(devices[1].retentionDays).toBe(3650);
    });
  });

  describe('getDeviceContext', () => {
    it('returns bindings with unit and value schema', async () => {
      const context = await sut.getDeviceContext('darmstadt', 'sds011-15092');

      expect(context).toEqual({
        tenant: 'darmstadt',
        deviceId: 'sds011-15092',
        deviceType: 'sds011',
        payloadFormat: 'json',
        datastreams: [
          {
            datastreamId: 'sds011-15092.P1',
            thingId: 'luisenplatz',
            deviceId: 'sds011-15092',
            field: 'P1',
            observedProperty: 'pm10',
            unit: 'ug/m3',
            valueSchema: { type: 'number', min: 0, max: 2000 },
            classification: 'internal',
            storageProfile: 'onprem-darz',
            retired: false,
          },
          {
            datastreamId: 'sds011-15092.P2',
            thingId: 'luisenplatz',
            deviceId: 'sds011-15092',
            field: 'P2',
            observedProperty: 'pm2_5',
            unit: 'ug/m3',
            valueSchema: { type: 'number', min: 0, max: 1000 },
            classification: 'public',
            storageProfile: 'onprem-darz',
            retired: false,
          },
        ],
      });
    });

    it('includes the time zone of the type', async () => {
      expect((await sut.getDeviceContext('darmstadt', 'dht22-4711'))?.timeZone).toBe('Europe/Berlin');
    });

    it('returns undefined for an unknown device', async () => {
      expect(await sut.getDeviceContext('darmstadt', 'sds011-99999')).toBeUndefined();
      expect(await sut.getDeviceContext('offenbach', 'sds011-15092')).toBeUndefined();
    });

    it('returns a frozen context', async () => {
      const context = await sut.getDeviceContext('darmstadt', 'sds011-15092');

      expect(Object.isFrozen(context)).toBe(true);
      expect(Object.isFrozen(context?.datastreams[0].valueSchema)).toBe(true);
    });

    it('reflects a catalog change', async () => {
      const before = await sut.getDeviceContext('darmstadt', 'sds011-15092');
      const changed = makeCatalog();
      changed.deviceTypes[0].fields = [
        { field: 'P1', observedProperty: 'pm10', unit: 'ug/m3', type: 'number', min: 0, max: 2000 },
        { field: 'P2', observedProperty: 'pm2_5', unit: 'ug/m3', type: 'number', min: 0, max: 999 },
      ];
      changed.devices[0].classification = 'internal';

      await sut.applyCatalog(changed);
      const after = await sut.getDeviceContext('darmstadt', 'sds011-15092');

      expect(before?.datastreams[1].valueSchema.max).toBe(1000);
      expect(after?.datastreams[1].valueSchema.max).toBe(999);
      expect(after?.datastreams[1].classification).toBe('internal');
    });

    it('reflects a device added after a miss', async () => {
      expect(await sut.getDeviceContext('darmstadt', 'sds011-20001')).toBeUndefined();

      await sut.applyCatalog({
        devices: [{ tenant: 'darmstadt', id: 'sds011-20001', type: 'sds011', thing: 'luisenplatz' }],
      });

      expect((await sut.getDeviceContext('darmstadt', 'sds011-20001'))?.datastreams).toHaveLength(2);
    });

    it('reflects a retired datastream', async () => {
      await sut.getDeviceContext('darmstadt', 'sds011-15092');

      await sut.retireDatastream('darmstadt', 'sds011-15092.P2');
      const context = await sut.getDeviceContext('darmstadt', 'sds011-15092');

      expect(context?.datastreams.find((binding) => binding.field === 'P2')?.retired).toBe(true);
    });

    it('serves concurrent requests', async () => {
      const contexts = await Promise.all(
        Array.from({ length: 50 }, () => sut.getDeviceContext('darmstadt', 'sds011-15092')),
      );

      expect(new Set(contexts).size).toBe(1);
    });
  });

  describe('patchDatastream', () => {
    it('changes the given attributes', async () => {
      const patched = await sut.patchDatastream('darmstadt', 'dht22-4711.humidity', {
        name: 'Luftfeuchte Hügelstraße',
        classification: 'public',
        retentionDays: 90,
        valueSchema: { type: 'number', min: 0, max: 100 },
      });

      expect(patched).toMatchObject({
        id: 'dht22-4711.humidity',
        name: 'Luftfeuchte Hügelstraße',
        classification: 'public',
        retentionDays: 90,
        valueSchema: { type: 'number', min: 0, max: 100 },
        retired: false,
      });
      expect(await sut.getDatastream('darmstadt', 'dht22-4711.humidity')).toEqual(patched);
    });

    it('clears the retention with null', async () => {
      const patched = await sut.patchDatastream('darmstadt', 'sds011-15092.P2', { retentionDays: null });

      expect(patched.retentionDays).toBeNull();
    });

    it('lists every invalid attribute', async () => {
      const error = await rejectionOf(
        sut.patchDatastream('darmstadt', 'sds011-15092.P2', {
          classification: 'secret',
          retentionDays: 0,
          valueSchema: { type: 'number', min: 10, max: 1 },
          owner: 'x',
        } as never),
      );

      expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
      expect(error.message).toContain(
        '- classification: unknown classification "secret"; use one of public, internal, personal',
      );
      expect(error.message).toContain('- retentionDays: must be at least 1');
      expect(error.message).toContain('- valueSchema.max: max 1 is less than min 10');
      expect(error.message).toContain(
        '- unknown key "owner"; allowed keys are name, description, classification',
      );
      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.classification).toBe('public');
    });

    it('rejects an unknown datastream', async () => {
      const error = await rejectionOf(sut.patchDatastream('darmstadt', 'sds011-15092.P9', { name: 'x' }));

      expect(error.code).toBe(ErrorCode.NOT_FOUND);
      expect(error.message).toContain('datastream "sds011-15092.P9" of tenant "darmstadt" not found');
    });

    it('rejects a datastream of another tenant', async () => {
      const error = await rejectionOf(sut.retireDatastream('offenbach', 'sds011-15092.P2'));

      expect(error.code).toBe(ErrorCode.NOT_FOUND);
    });
  });

  describe('retireDatastream', () => {
    it('marks the datastream retired', async () => {
      const retired = await sut.retireDatastream('darmstadt', 'sds011-15092.P2');

      expect(retired.retired).toBe(true);
      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.retired).toBe(true);
    });
  });

  describe('openRegistry', () => {
    it('keeps data across reopening', async () => {
      await sut.close();

      const reopened = await temp.open();

      expect(await reopened.listTenants()).toHaveLength(1);
      expect((await reopened.getDeviceContext('darmstadt', 'sds011-15092'))?.datastreams).toHaveLength(2);
      expect((await reopened.applyCatalog(makeCatalog())).created).toBe(0);
    });

    it('runs the migration once', async () => {
      await sut.close();
      await (await temp.open()).close();

      const names = await temp.migrationNames();

      expect(names).toHaveLength(new Set(names).size);
      expect(names[0]).toMatch(/^CreateRegistry(Postgres)?1765000000000$/);
      expect(names).toContainEqual(expect.stringMatching(/^AddOwnerPseudonym(Postgres)?1766000000000$/));
      expect(names.at(-1)).toBe('AddCkanPublication1767000000000');
    });

    it('reports health until closed', async () => {
      expect(await sut.isHealthy()).toBe(true);

      await sut.close();

      expect(await sut.isHealthy()).toBe(false);
    });
  });
});
