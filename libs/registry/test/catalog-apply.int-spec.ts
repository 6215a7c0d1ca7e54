import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type AppError, ErrorCode } from '@stadtdaten/contracts';
import { RegistryService } from '@stadtdaten/registry';
import { describeRegistryBackends, makeCatalog, type TempRegistry } from './registry-fixtures';

/** Entities in makeCatalog(): 1 tenant, 4 observed properties, 2 device types, 2 things, 2 devices, 4 datastreams. */
const FIXTURE_ENTITIES = 15;

describeRegistryBackends(RegistryService.name, (makeRegistry) => {
  let temp: TempRegistry;
  let sut: RegistryService;

  beforeEach(async () => {
    temp = makeRegistry();
    sut = await temp.open();
  });

  afterEach(async () => {
    await temp.cleanup();
  });

  describe('applyCatalog', () => {
    it('creates every entity', async () => {
      const result = await sut.applyCatalog(makeCatalog());

      expect(result.created).toBe(FIXTURE_ENTITIES);
      expect(result.updated).toBe(0);
      expect(result.unchanged).toBe(0);
      expect(result.changes).toContain('created device darmstadt/sds011-15092');
      expect(result.changes).toContain('created datastream darmstadt/sds011-15092.P2');
    });

    it('changes nothing when applied twice', async () => {
      await sut.applyCatalog(makeCatalog());

      const second = await sut.applyCatalog(makeCatalog());

      expect(second).toEqual({ created: 0, updated: 0, unchanged: FIXTURE_ENTITIES, changes: [] });
    });

    it('changes nothing for reordered keys', async () => {
      await sut.applyCatalog(makeCatalog());
      const reordered = makeCatalog();
      reordered.things[1].location = { coordinates: [8.6535, 49.8696], type: 'Point' };

      const second = await sut.applyCatalog(reordered);

      expect(second.created + second.updated).toBe(0);
    });

    it('writes nothing on a dry run', async () => {
      const planned = await sut.applyCatalog(makeCatalog(), { dryRun: true });

      expect(planned.created).toBe(FIXTURE_ENTITIES);
      expect(await sut.listTenants()).toEqual([]);
      expect((await sut.applyCatalog(makeCatalog())).created).toBe(FIXTURE_ENTITIES);
    });

    it('reports changed attributes by name', async () => {
      await sut.applyCatalog(makeCatalog());
      const renamed = makeCatalog();
      renamed.things[0].name = 'Luisenplatz (Lange Ludwig)';

      const result = await sut.applyCatalog(renamed);

      // The default datastream name contains the thing name, so both datastreams of the device change.
      expect(result.changes).toEqual([
        'updated thing darmstadt/luisenplatz: name',
        'updated datastream darmstadt/sds011-15092.P1: name',
        'updated datastream darmstadt/sds011-15092.P2: name',
      ]);
      expect(result.updated).toBe(3);
      expect(result.unchanged).toBe(FIXTURE_ENTITIES - 3);
    });

    it('applies per-field overrides over device defaults', async () => {
      await sut.applyCatalog(makeCatalog());

      const p1 = await sut.getDatastream('darmstadt', 'sds011-15092.P1');
      const p2 = await sut.getDatastream('darmstadt', 'sds011-15092.P2');

      expect(p1?.classification).toBe('internal');
      expect(p1?.retentionDays).toBe(365);
      expect(p2?.classification).toBe('public');
      expect(p2?.retentionDays).toBe(3650);
      expect(p2?.storageProfile).toBe('onprem-darz');
    });

    it('defaults classification to internal', async () => {
      const catalog = makeCatalog();
      delete catalog.devices[1].classification;

      await sut.applyCatalog(catalog);

      expect((await sut.getDatastream('darmstadt', 'dht22-4711.temperature'))?.classification).toBe(
        'internal',
      );
    });

    it('uses the tenant storage profile by default', async () => {
      const catalog = makeCatalog();
      catalog.tenants[0].storageProfile = 'de';
      catalog.devices[1].storageProfile = 'eu';

      await sut.applyCatalog(catalog);

      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.storageProfile).toBe('de');
      expect((await sut.getDatastream('darmstadt', 'dht22-4711.humidity'))?.storageProfile).toBe('eu');
    });

    it('accepts references to stored entities', async () => {
      await sut.applyCatalog(makeCatalog());
      const oneDevice = {
        devices: [{ tenant: 'darmstadt', id: 'sds011-20001', type: 'sds011', thing: 'huegelstrasse' }],
      };

      const result = await sut.applyCatalog(oneDevice);

      expect(result.changes).toEqual([
        'created device darmstadt/sds011-20001',
        'created datastream darmstadt/sds011-20001.P1',
        'created datastream darmstadt/sds011-20001.P2',
      ]);
      expect((await sut.getDatastream('darmstadt', 'sds011-20001.P1'))?.name).toBe('PM10 – Hügelstraße');
    });

    it('moves datastreams with their device', async () => {
      await sut.applyCatalog(makeCatalog());
      const moved = makeCatalog();
      moved.devices[0].thing = 'huegelstrasse';

      await sut.applyCatalog(moved);

      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.thingId).toBe('huegelstrasse');
      expect((await sut.getThing('darmstadt', 'luisenplatz'))?.datastreamIds).toEqual([]);
    });

    it('updates unlisted devices when their type changes', async () => {
      await sut.applyCatalog(makeCatalog());
      const typeOnly = { deviceTypes: [makeCatalog().deviceTypes[0]] };
      typeOnly.deviceTypes[0].fields = [
        { field: 'P2', observedProperty: 'pm2_5', unit: 'ug/m3', type: 'number', min: 0, max: 500 },
        { field: 'temp', observedProperty: 'air_temperature', unit: 'Cel', type: 'number' },
      ];

      const result = await sut.applyCatalog(typeOnly);

      expect(result.changes).toEqual([
        'updated device type darmstadt/sds011: fields',
        'updated datastream darmstadt/sds011-15092.P2: valueSchema',
        'created datastream darmstadt/sds011-15092.temp',
        'retired datastream darmstadt/sds011-15092.P1: device type sds011 has no field "P1"',
      ]);
      const context = await sut.getDeviceContext('darmstadt', 'sds011-15092');
      const byField = new Map(context?.datastreams.map((binding) => [binding.field, binding]));
      expect(byField.get('P2')?.valueSchema).toEqual({ type: 'number', min: 0, max: 500 });
      expect(byField.get('P1')?.retired).toBe(true);
      // A new datastream of an unlisted device takes the device's stored defaults.
      expect(byField.get('temp')?.classification).toBe('public');
      expect((await sut.getDatastream('darmstadt', 'sds011-15092.temp'))?.retentionDays).toBe(3650);
    });

    it('keeps a retired datastream retired', async () => {
      await sut.applyCatalog(makeCatalog());
      await sut.retireDatastream('darmstadt', 'sds011-15092.P2');

      const result = await sut.applyCatalog(makeCatalog());

      expect(result.changes).toEqual([]);
      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.retired).toBe(true);
    });

    it('reactivates a datastream on retired false', async () => {
      await sut.applyCatalog(makeCatalog());
      await sut.retireDatastream('darmstadt', 'sds011-15092.P2');
      const catalog = makeCatalog();
      catalog.devices[0].datastreams = { P2: { retired: false } };

      const result = await sut.applyCatalog(catalog);

      expect(result.changes).toContain('updated datastream darmstadt/sds011-15092.P2: retired');
      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.retired).toBe(false);
    });

    it('applies the README example', async () => {
      const readme = readFileSync(resolve(__dirname, '..', 'README.md'), 'utf8');
      const [example, oneLine] = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1]);

      const first = await sut.applyCatalog(sut.parseCatalog(example, 'README.yaml'));
      const second = await sut.applyCatalog(sut.parseCatalog(oneLine, 'README.yaml'));

      expect(first.created).toBeGreaterThan(0);
      expect((await sut.getDatastream('darmstadt', 'sds011-15092.P2'))?.retired).toBe(true);
      expect(second.changes).toContain('created device darmstadt/sds011-20001');
    });

    it('treats empty sections as empty lists', async () => {
      const document = sut.parseCatalog('tenants:\nobservedProperties:\ndevices:\n', 'empty.yaml');

      const result = await sut.applyCatalog(document);

      expect(result).toEqual({ created: 0, updated: 0, unchanged: 0, changes: [] });
    });
  });

  describe('applyCatalog validation', () => {
    async function problemsOf(document: unknown): Promise<AppError> {
      const error = await sut.applyCatalog(document).then(
        () => undefined,
        (caught: unknown) => caught as AppError,
      );
      if (error === undefined) {
        throw new Error('applyCatalog accepted an invalid document');
      }

      return error;
    }

    it('lists every problem with its path', async () => {
      await sut.applyCatalog(makeCatalog());
      const catalog = makeCatalog();
      catalog.tenants.push({ id: 'Griesheim', name: 'Griesheim' });
      catalog.observedProperties[0].definiton = 'typo';
      catalog.deviceTypes[0].fields = [
        { field: 'P1', observedProperty: 'pm10', unit: 'µg/m³', type: 'number' },
        { field: 'P2', observedProperty: 'pm25', unit: 'furlong', type: 'number', min: 10, max: 5 },
        { field: 'ok', observedProperty: 'pm10', unit: 'ug/m3', type: 'boolean', min: 0 },
      ];
      catalog.deviceTypes[1].timeZone = 'Europe/Darmstadt';
      catalog.things[0].location = { type: 'Point', coordinates: [49.8727, 98.6512] };
      delete catalog.things[1].name;
      catalog.devices = [
        {
          tenant: 'darmstadt',
          id: 'sds011-15092',
          type: 'sds011',
          thing: 'luisenplatz',
          datastreams: { P3: {} },
        },
        { tenant: 'darmstadt', id: 'sds011-15092', type: 'sds011', thing: 'luisenplatz' },
        { tenant: 'darmstadt', id: 'x', type: 'sds012', thing: 'kantplatz', classification: 'secret' },
        { tenant: 'weiterstadt', id: 'y', type: 'sds011', thing: 'luisenplatz' },
      ];

      const error = await problemsOf(catalog);

      const expected: Array<[string, string]> = [
        ['tenants[1].id', 'invalid tenant id "Griesheim"; use 2 to 63 lower-case letters'],
        [
          'observedProperties[0]',
          'unknown key "definiton"; allowed keys are id, name, definition, description',
        ],
        ['deviceTypes[0].fields[0].unit', 'unit "µg/m³" is not a UCUM code; write "ug/m3" instead'],
        ['deviceTypes[0].fields[1].unit', 'unknown unit "furlong"; use one of the UCUM codes 1, {count}'],
        [
          'deviceTypes[0].fields[1].observedProperty',
          'unknown observed property "pm25"; define it under observedProperties',
        ],
        ['deviceTypes[0].fields[1].max', 'max 5 is less than min 10'],
        ['deviceTypes[0].fields[2].min', 'min applies only to number and integer values, not to boolean'],
        ['deviceTypes[1].timeZone', 'unknown time zone "Europe/Darmstadt"; use an IANA zone name'],
        [
          'things[0].location.coordinates',
          'latitude 98.6512 is outside -90..90; GeoJSON puts longitude first',
        ],
        ['things[1].name', 'missing; add "name"'],
        [
          'devices[0].datastreams.P3',
          'field "P3" is not defined by device type "sds011"; use one of P1, P2, ok',
        ],
        ['devices[1].id', 'duplicate device "sds011-15092" of tenant "darmstadt" (also devices[0])'],
        [
          'devices[2].type',
          'unknown device type "sds012" of tenant "darmstadt"; define it under deviceTypes or fix the name',
        ],
        [
          'devices[2].thing',
          'unknown thing "kantplatz" of tenant "darmstadt"; define it under things or fix the name',
        ],
        [
          'devices[2].classification',
          'unknown classification "secret"; use one of public, internal, personal',
        ],
        ['devices[3].tenant', 'unknown tenant "weiterstadt"; define it under tenants or fix the name'],
      ];
      expect(error.code).toBe(ErrorCode.INVALID_CATALOG);
      for (const [path, message] of expected) {
        expect(error.message).toContain(`\n- ${path}: ${message}`);
      }
      expect(error.message).toContain(`(${expected.length} problems)`);
      expect(error.details.problems).toHaveLength(expected.length);
    });

    it('lists problems in document order', async () => {
      const catalog = makeCatalog();
      catalog.devices[1].classification = 'secret';
      catalog.tenants[0].storageProfile = 'mars';
      catalog.things[0].useCase = 'parkin';

      const error = await problemsOf(catalog);

      const paths = (error.details.problems as Array<{ path: string }>).map((problem) => problem.path);
      expect(paths).toEqual(['tenants[0].storageProfile', 'things[0].useCase', 'devices[1].classification']);
    });

    it('writes nothing when invalid', async () => {
      const catalog = makeCatalog();
      catalog.devices[1].type = 'dht23';

      await problemsOf(catalog);

      expect(await sut.listTenants()).toEqual([]);
    });

    it('rejects a document that is not a mapping', async () => {
      const error = await problemsOf(['tenants']);

      expect(error.code).toBe(ErrorCode.INVALID_CATALOG);
      expect(error.message).toContain('- (document): expected a mapping (key: value), got ["tenants"]');
    });

    it('checks polygon rings', async () => {
      const catalog = makeCatalog();
      catalog.things[0].location = {
        type: 'Polygon',
        coordinates: [
          [
            [8.65, 49.87],
            [8.66, 49.87],
            [8.66, 49.88],
            [8.65, 49.88],
          ],
        ],
      };

      const error = await problemsOf(catalog);

      expect(error.message).toContain(
        '- things[0].location.coordinates[0]: a linear ring must end with its first position',
      );
    });
  });

  describe('applyCatalog reserved ids', () => {
    /** makeCatalog() with the SDS011 type renamed to `typeId`, and its device moved to that type. */
    function catalogWithType(typeId: string) {
      const catalog = makeCatalog();
      catalog.deviceTypes[0].id = typeId;
      catalog.devices[0].type = typeId;

      return catalog;
    }

    async function errorOf(document: unknown, options = {}): Promise<AppError> {
      const error = await sut.applyCatalog(document, options).then(
        () => undefined,
        (caught: unknown) => caught as AppError,
      );
      if (error === undefined) {
        throw new Error('applyCatalog accepted a reserved id');
      }

      return error;
    }

    it('rejects an analytics device type', async () => {
      const error = await errorOf(catalogWithType('analytics-rollup-sds011'));

      expect(error.code).toBe(ErrorCode.INVALID_CATALOG);
      expect(error.message).toContain('(1 problem)');
      expect(error.message).toContain(
        '\n- deviceTypes[0].id: device type id "analytics-rollup-sds011" starts with "analytics-", which is reserved for the device types of the analytics service; choose an id without that prefix',
      );
      expect(await sut.listTenants()).toEqual([]);
    });

    it('rejects an analytics device type on a dry run', async () => {
      const error = await errorOf(catalogWithType('analytics-custom'), { dryRun: true });

      expect(error.details.problems).toEqual([
        expect.objectContaining({ path: 'deviceTypes[0].id', message: expect.stringContaining('"analytics-custom"') }),
      ]);
    });

    it('accepts an analytics device type from the registrar', async () => {
      const result = await sut.applyCatalog(catalogWithType('analytics-rollup-sds011'), { allowDerivedTypes: true });

      expect(result.changes).toContain('created device type darmstadt/analytics-rollup-sds011');
      expect((await sut.getDeviceContext('darmstadt', 'sds011-15092'))?.deviceType).toBe('analytics-rollup-sds011');
    });

    it('accepts ids that only contain the prefix', async () => {
      const result = await sut.applyCatalog(catalogWithType('sds011-analytics-'));

      expect(result.created).toBe(FIXTURE_ENTITIES);
    });

    it.each(['quality', 'status'])('rejects the device id %s', async (deviceId) => {
      const catalog = makeCatalog();
      catalog.devices[1].id = deviceId;

      const error = await errorOf(catalog, { allowDerivedTypes: true });

      expect(error.details.problems).toEqual([
        {
          path: 'devices[1].id',
          message: `device id "${deviceId}" is reserved, because the MQTT topics stadtdaten/<tenant>/${deviceId}/… carry messages of the platform and a device may publish below stadtdaten/<tenant>/<device id>/; choose another id`,
        },
      ]);
    });

    it('accepts device ids that differ in case', async () => {
      const catalog = makeCatalog();
      catalog.devices[1].id = 'Quality';

      const result = await sut.applyCatalog(catalog);

      expect(result.changes).toContain('created device darmstadt/Quality');
    });
  });
});
