import { CATALOG, SEED_START_MS, seed } from './sta-fixtures';
import { type StaTestApp, startStaTestApp } from './sta-test-app';

const OBSERVATION = `thermo-1.temperature@${SEED_START_MS}`;

/** Mandatory properties of each entity type in SensorThings 1.1 (section 8.2). */
const PROPERTIES: Array<[string, string, string[]]> = [
  ['thing', "Things('luisenplatz')", ['name', 'description']],
  ['location', "Locations('luisenplatz')", ['name', 'description', 'encodingType', 'location']],
  [
    'datastream',
    "Datastreams('thermo-1.temperature')",
    ['name', 'description', 'unitOfMeasurement', 'observationType'],
  ],
  ['sensor', "Sensors('thermo-1')", ['name', 'description', 'encodingType', 'metadata']],
  ['observed-property', "ObservedProperties('air_temperature')", ['name', 'definition', 'description']],
  ['observation', `Observations('${OBSERVATION}')`, ['phenomenonTime', 'result', 'resultTime']],
  [
    'feature-of-interest',
    "FeaturesOfInterest('luisenplatz')",
    ['name', 'description', 'encodingType', 'feature'],
  ],
];

/** Relations of each entity type, with the entity set each navigation link leads to. */
const RELATIONS: Array<[string, string, Record<string, 'one' | 'many'>]> = [
  ['thing', "Things('luisenplatz')", { Locations: 'many', HistoricalLocations: 'many', Datastreams: 'many' }],
  ['location', "Locations('luisenplatz')", { Things: 'many', HistoricalLocations: 'many' }],
  [
    'datastream',
    "Datastreams('thermo-1.temperature')",
    { Thing: 'one', Sensor: 'one', ObservedProperty: 'one', Observations: 'many' },
  ],
  ['sensor', "Sensors('thermo-1')", { Datastreams: 'many' }],
  ['observed-property', "ObservedProperties('air_temperature')", { Datastreams: 'many' }],
  ['observation', `Observations('${OBSERVATION}')`, { Datastream: 'one', FeatureOfInterest: 'one' }],
  ['feature-of-interest', "FeaturesOfInterest('luisenplatz')", { Observations: 'many' }],
];

describe('Sensing Core', () => {
  let app: StaTestApp;
  let base: string;

  beforeAll(async () => {
    app = await startStaTestApp();
    await seed(app);
    base = app.sta('darmstadt');
  });

  afterAll(() => app.close());

  const get = (path: string, token?: string) => app.request('GET', `${base}/${path}`, { token });

  describe('req/datamodel/*/properties', () => {
    it.each(PROPERTIES)('%s has its mandatory properties', async (_name, path, properties) => {
      const { status, body } = await get(path);

      expect(status).toBe(200);
      for (const property of properties) {
        expect(body).toHaveProperty([property]);
      }
    });

    it('datastream unitOfMeasurement names the UCUM code', async () => {
      const { body } = await get("Datastreams('thermo-1.temperature')");

      expect(body.unitOfMeasurement).toEqual({
        name: 'degrees Celsius',
        symbol: '°C',
        definition: 'ucum:Cel',
      });
      expect(body.observationType).toBe(
        'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
      );
    });

    it('historical-location set exists and is empty', async () => {
      const { status, body } = await get('HistoricalLocations');

      expect(status).toBe(200);
      expect(body.value).toEqual([]);
    });

    it('multi-datastream set exists and is empty', async () => {
      const { status, body } = await get('MultiDatastreams');

      expect(status).toBe(200);
      expect(body.value).toEqual([]);
    });
  });

  describe('req/datamodel/*/relations', () => {
    it.each(RELATIONS)('%s links and reaches its relations', async (_name, path, relations) => {
      const { body } = await get(path);

      for (const [navigation, cardinality] of Object.entries(relations)) {
        const link = body[`${navigation}@iot.navigationLink`];
        expect(link).toBe(`${body['@iot.selfLink']}/${navigation}`);
        const related = await app.request('GET', link);
        expect(related.status).toBe(200);
        expect(
          cardinality === 'many' ? Array.isArray(related.body.value) : typeof related.body['@iot.id'],
        ).toBe(cardinality === 'many' ? true : 'string');
      }
    });

    it('datastream leads to its thing, sensor and observed property', async () => {
      const thing = await get("Datastreams('thermo-1.temperature')/Thing");
      const sensor = await get("Datastreams('thermo-1.temperature')/Sensor");
      const property = await get("Datastreams('thermo-1.temperature')/ObservedProperty");

      expect(thing.body['@iot.id']).toBe('luisenplatz');
      expect(sensor.body['@iot.id']).toBe('thermo-1');
      expect(property.body['@iot.id']).toBe('air_temperature');
    });

    it('feature of interest is the thing location', async () => {
      const feature = await get(`Observations('${OBSERVATION}')/FeatureOfInterest`);

      expect(feature.body['@iot.id']).toBe('luisenplatz');
      expect(feature.body.feature).toEqual(CATALOG.things[0].location);
      expect(feature.body.encodingType).toBe('application/geo+json');
    });
  });

  describe('req/datamodel/entity-control-information/common-control-information', () => {
    it.each([
      'Things',
      'Locations',
      'Datastreams',
      'Sensors',
      'ObservedProperties',
      'Observations',
      'FeaturesOfInterest',
    ])('%s carry @iot.id and a working @iot.selfLink', async (set) => {
      const { body } = await get(set);

      expect(body.value.length).toBeGreaterThan(0);
      for (const entity of body.value) {
        const self = await app.request('GET', entity['@iot.selfLink']);
        expect(self.status).toBe(200);
        expect(self.body['@iot.id']).toBe(entity['@iot.id']);
      }
    });
  });

  describe('req/resource-path/resource-path-to-entities', () => {
    it('service root lists every entity set', async () => {
      const { status, body } = await app.request('GET', base);

      expect(status).toBe(200);
      expect(body.value.map((entry: { name: string }) => entry.name).sort()).toEqual([
        'Datastreams',
        'FeaturesOfInterest',
        'HistoricalLocations',
        'Locations',
        'MultiDatastreams',
        'Observations',
        'ObservedProperties',
        'Sensors',
        'Things',
      ]);
      expect(body.value[0].url).toBe(`${base}/${body.value[0].name}`);
      expect(body.serverSettings.conformance).toContain(
        'http://www.opengis.net/spec/iot_sensing/1.1/req/resource-path/resource-path-to-entities',
      );
      expect(body.serverSettings.conformance).not.toContain(
        'http://www.opengis.net/spec/iot_sensing/1.1/req/datamodel/historical-location/properties',
      );
      expect(body.serverSettings.conformance).not.toContain(
        'http://www.opengis.net/spec/iot_sensing/1.1/req/create-update-delete/delete-entity',
      );
    });

    it('service root answers with a trailing slash', async () => {
      expect((await app.request('GET', `${base}/`)).body.value).toHaveLength(9);
    });

    it.each([
      ['Things', 'luisenplatz'],
      ["Things('luisenplatz')/Datastreams", 'thermo-1.temperature'],
      ["Things('luisenplatz')/Locations", 'luisenplatz'],
      ["Locations('luisenplatz')/Things", 'luisenplatz'],
      ["Sensors('thermo-1')/Datastreams", 'thermo-1.temperature'],
      ["ObservedProperties('air_temperature')/Datastreams", 'thermo-1.temperature'],
      ["Datastreams('thermo-1.temperature')/Observations", OBSERVATION],
      ["FeaturesOfInterest('luisenplatz')/Observations", OBSERVATION],
      ["Things('luisenplatz')/Datastreams('thermo-1.temperature')/Observations", OBSERVATION],
    ])('%s lists %s first', async (path, firstId) => {
      const { status, body } = await get(path);

      expect(status).toBe(200);
      expect(body.value[0]['@iot.id']).toBe(firstId);
    });

    it.each([
      ["Things('luisenplatz')", 'luisenplatz'],
      ["Datastreams('thermo-1.temperature')/Thing", 'luisenplatz'],
      [`Observations('${OBSERVATION}')/Datastream/Thing`, 'luisenplatz'],
      ["Things('luisenplatz')/Datastreams('thermo-1.temperature')", 'thermo-1.temperature'],
      [`Datastreams('thermo-1.temperature')/Observations('${OBSERVATION}')`, OBSERVATION],
    ])('%s addresses %s', async (path, id) => {
      const { status, body } = await get(path);

      expect(status).toBe(200);
      expect(body['@iot.id']).toBe(id);
    });

    it('reads a property and its $value', async () => {
      const property = await get("Things('luisenplatz')/name");
      const value = await get("Things('luisenplatz')/name/$value");
      const result = await get(`Observations('${OBSERVATION}')/result/$value`);

      expect(property.body).toEqual({ name: 'Luisenplatz' });
      expect(value.body).toBe('Luisenplatz');
      expect(value.headers.get('content-type')).toContain('text/plain');
      expect(result.body).toBe(0.5);
    });

    it('keeps a quote in a key', async () => {
      expect((await get("Things('it''s')")).status).toBe(404);
    });
  });

  describe('req/request-data/status-code', () => {
    it.each([
      ["Things('nowhere')", 404],
      ["Datastreams('thermo-1.nothing')", 404],
      ["Observations('thermo-1.temperature@1')", 404],
      ["Things('luisenplatz')/Datastreams('garage-1.spaces')", 404],
      ['Widgets', 400],
      ["Things('luisenplatz')/Widgets", 400],
      [`Observations('${OBSERVATION}')/resultQuality/$value`, 404],
    ])('%s answers %i', async (path, status) => {
      expect((await get(path)).status).toBe(status);
    });

    it('answers 404 for an unknown tenant', async () => {
      const { status, body } = await app.request('GET', `${app.sta('nobody')}/Things`);

      expect(status).toBe(404);
      expect(body.detail).toContain('tenant "nobody" not found');
    });
  });

  describe('req/request-data/query-status-code', () => {
    it.each([
      ["Things?$filter=name eq 'x' xyz", '$filter', 'position 13'],
      ['Things?$filter=nam eq 1', '$filter', 'unknown property "nam" of Thing'],
      ['Things?$top=-1', '$top', 'not a whole number'],
      ['Things?$orderby=name sideways', '$orderby', 'position 6'],
      ['Things?$expand=Sensors', '$expand', 'no navigation property "Sensors"'],
      ['Things?$select=colour', '$select', 'unknown property "colour"'],
      ['Things?$frobnicate=1', '$frobnicate', 'unknown query option'],
      ['Things?$filter=Datastreams/Observations/result gt 1', '$filter', 'would read every observation'],
    ])('%s answers 400 naming the option', async (path, option, message) => {
      const { status, body, headers } = await get(path);

      expect(status).toBe(400);
      expect(headers.get('content-type')).toContain('application/problem+json');
      expect(body.detail).toContain(option);
      expect(body.detail).toContain(message);
    });
  });
});
