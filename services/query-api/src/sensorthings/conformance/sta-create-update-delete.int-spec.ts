import { seed } from './sta-fixtures';
import { type StaTestApp, startStaTestApp } from './sta-test-app';

const POINT = { type: 'Point', coordinates: [8.6566, 49.8774] };
const CELSIUS = { name: 'degree Celsius', symbol: '°C', definition: 'ucum:Cel' };
const MEASUREMENT = 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement';

describe('Create-Update-Delete (req/create-update-delete)', () => {
  let app: StaTestApp;
  let admin: string;

  beforeAll(async () => {
    app = await startStaTestApp();
    await seed(app);
    admin = await app.token('darmstadt', ['tenant-admin']);
  });

  afterAll(() => app.close());

  const url = (path: string) => (path.startsWith('http') ? path : `${app.sta('darmstadt')}/${path}`);
  const send = (method: string, path: string, body?: unknown, token = admin) =>
    app.request(method, url(path), { token, body });
  const get = (path: string, token = admin) => app.request('GET', url(path), { token });

  describe('req/create-update-delete/create-entity', () => {
    it('creates a Thing with its Location', async () => {
      const created = await send('POST', 'Things', {
        name: 'Herrngarten',
        description: 'Park north of the palace',
        properties: { useCase: 'weather', operator: 'Grünflächenamt' },
        Locations: [{ name: 'Herrngarten', encodingType: 'application/geo+json', location: POINT }],
      });
      const location = await get(created.headers.get('location')!);

      expect(created.status).toBe(201);
      expect(created.body['@iot.id']).toMatch(/^sta-[0-9a-f]{8}$/);
      expect(created.body.properties).toEqual({ operator: 'Grünflächenamt', useCase: 'weather' });
      expect(location.body.name).toBe('Herrngarten');
      expect((await get(`Things('${created.body['@iot.id']}')/Locations`)).body.value[0].location).toEqual(
        POINT,
      );
    });

    it('keeps a client id', async () => {
      const created = await send('POST', 'Things', {
        '@iot.id': 'orangerie',
        name: 'Orangerie',
        Locations: [{ location: POINT }],
      });

      expect(created.status).toBe(201);
      expect(created.body['@iot.selfLink']).toBe(url("Things('orangerie')"));
    });

    it('creates a Datastream of a Thing with a new Sensor', async () => {
      const created = await send('POST', "Things('luisenplatz')/Datastreams", {
        name: 'Dew point – Luisenplatz',
        description: 'Dew point from the new sensor',
        unitOfMeasurement: CELSIUS,
        observationType: MEASUREMENT,
        properties: { classification: 'public' },
        Sensor: {
          name: 'Dew point sensor',
          description: 'Capacitive',
          encodingType: 'application/pdf',
          metadata: 'https://example.org/datasheet.pdf',
        },
        ObservedProperty: { name: 'Dew point', definition: 'http://vocabs.lter-europe.net/EnvThes/22037' },
      });

      expect(created.status).toBe(201);
      expect(created.body['@iot.id']).toMatch(/^sta-[0-9a-f]{8}\.dew_point$/);
      expect(created.body.unitOfMeasurement.definition).toBe('ucum:Cel');
      expect((await get(`Datastreams('${created.body['@iot.id']}')/Thing`, '')).body['@iot.id']).toBe(
        'luisenplatz',
      );
      expect((await get(`Datastreams('${created.body['@iot.id']}')/ObservedProperty`)).body.definition).toBe(
        'http://vocabs.lter-europe.net/EnvThes/22037',
      );
    });

    it('creates an Observation through the pipeline', async () => {
      const created = await send('POST', "Datastreams('thermo-1.temperature')/Observations", {
        phenomenonTime: '2026-03-02T12:00:00Z',
        result: 14.25,
      });

      expect(created.status).toBe(201);
      expect(created.headers.get('location')).toBe(
        url(`Observations('thermo-1.temperature@${Date.parse('2026-03-02T12:00:00Z')}')`),
      );
      expect(created.body.result).toBe(14.25);
      expect(created.body.parameters.observationId).toHaveLength(22);
    });

    it('creates an Observation that names its Datastream', async () => {
      const created = await send('POST', 'Observations', {
        phenomenonTime: '2026-03-02T12:01:00Z',
        result: 14.5,
        Datastream: { '@iot.id': 'thermo-1.temperature' },
      });

      expect(created.status).toBe(201);
      expect((await app.request('GET', created.headers.get('location')!)).body.result).toBe(14.5);
    });

    it('answers 202 when the pipeline is slower than the wait', async () => {
      const waitMs = app.settings.writeWaitMs;
      app.settings.writeWaitMs = 0;
      try {
        const accepted = await send('POST', "Datastreams('thermo-1.temperature')/Observations", {
          phenomenonTime: '2026-03-02T12:05:00Z',
          result: 15,
        });
        const location = accepted.headers.get('location')!;
        let stored = await get(location);
        for (let attempt = 0; stored.status === 404 && attempt < 100; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 50));
          stored = await get(location);
        }

        expect(accepted.status).toBe(202);
        expect(accepted.body['@iot.selfLink']).toBe(location);
        expect(stored.body.result).toBe(15);
      } finally {
        app.settings.writeWaitMs = waitMs;
      }
    });

    it('answers 400 with the reason of a rejected Observation', async () => {
      const { status, body } = await send('POST', "Datastreams('thermo-1.temperature')/Observations", {
        phenomenonTime: '2026-03-02T12:02:00Z',
        result: 99,
      });

      expect(status).toBe(400);
      expect(body.detail).toContain('OUT_OF_RANGE');
    });

    it.each([
      ['Sensors', { name: 'x' }, 'created together with what it belongs to'],
      ['Locations', { name: 'x' }, 'created together with what it belongs to'],
      ['Things', { name: 'No place' }, 'exactly one Location'],
      [
        'Things',
        { '@iot.id': 'luisenplatz', name: 'Again', Locations: [{ location: POINT }] },
        'exists already',
      ],
      [
        'Things',
        { name: 'x', Locations: [{ location: POINT }], HistoricalLocations: [] },
        'cannot change HistoricalLocations',
      ],
      [
        "Datastreams('thermo-1.temperature')/Observations",
        { result: 1, phenomenonTime: '2026-03-02T12:03:00Z', resultTime: '2026-03-02T12:04:00Z' },
        'resultTime must equal',
      ],
      [
        "Datastreams('thermo-1.temperature')/Observations",
        { phenomenonTime: '2026-03-02T12:03:00Z' },
        'needs a "result"',
      ],
      [
        "Datastreams('thermo-1.temperature')/Observations",
        { result: 1, parameters: { a: 1 } },
        'cannot change parameters',
      ],
    ])('rejects POST %s %j', async (path, body, message) => {
      const response = await send('POST', path, body);

      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.status).toBeLessThan(500);
      expect(response.body.detail).toContain(message);
    });
  });

  describe('req/create-update-delete/link-to-existing-entities', () => {
    it('links a new Datastream to an existing Thing, Sensor and ObservedProperty', async () => {
      const first = await send('POST', 'Datastreams', {
        name: 'Noise',
        unitOfMeasurement: { name: 'decibel', symbol: 'dB', definition: 'ucum:dB[SPL]' },
        observationType: 'OM_Measurement',
        Thing: { '@iot.id': 'garage-mitte' },
        Sensor: {
          '@iot.id': 'noise-1',
          name: 'Noise meter',
          encodingType: 'text/html',
          metadata: 'https://example.org',
        },
        ObservedProperty: { name: 'Sound level', definition: 'https://stadtdaten.example/def/sound_level' },
      });
      const second = await send('POST', 'Datastreams', {
        name: 'Air temperature at the noise meter',
        unitOfMeasurement: CELSIUS,
        observationType: MEASUREMENT,
        Thing: { '@iot.id': 'garage-mitte' },
        Sensor: { '@iot.id': 'noise-1' },
        ObservedProperty: { '@iot.id': 'air_temperature' },
      });
      const sensorDatastreams = await get("Sensors('noise-1')/Datastreams");

      expect(first.status).toBe(201);
      expect(second.status).toBe(201);
      expect(second.body['@iot.id']).toBe('noise-1.air_temperature');
      expect(sensorDatastreams.body.value.map((d: { '@iot.id': string }) => d['@iot.id']).sort()).toEqual([
        'noise-1.air_temperature',
        'noise-1.sound_level',
      ]);
      expect((await get("Datastreams('noise-1.sound_level')")).body.name).toBe('Noise');
    });

    it.each([
      [{ '@iot.id': 'thermo-1' }, 'fields a catalog defines'],
      [{ '@iot.id': 'no-such-sensor' }, 'Sensor "no-such-sensor" not found'],
    ])('rejects a link to Sensor %j', async (sensor, message) => {
      const { status, body } = await send('POST', "Things('luisenplatz')/Datastreams", {
        name: 'x',
        unitOfMeasurement: CELSIUS,
        observationType: MEASUREMENT,
        Sensor: sensor,
        ObservedProperty: { '@iot.id': 'air_temperature' },
      });

      expect(status).toBe(400);
      expect(body.detail).toContain(message);
    });
  });

  describe('req/create-update-delete/deep-insert', () => {
    it('creates a Thing with Location, Datastream, Sensor, ObservedProperty and Observations', async () => {
      const created = await send('POST', 'Things', {
        '@iot.id': 'woog',
        name: 'Großer Woog',
        properties: { useCase: 'water-temperature' },
        Locations: [
          {
            name: 'Woog',
            encodingType: 'application/geo+json',
            location: { type: 'Point', coordinates: [8.668, 49.87] },
          },
        ],
        Datastreams: [
          {
            name: 'Water temperature',
            unitOfMeasurement: CELSIUS,
            observationType: MEASUREMENT,
            properties: { classification: 'public', retentionDays: 365 },
            Sensor: {
              '@iot.id': 'woog-probe',
              name: 'PT100 probe',
              encodingType: 'text/html',
              metadata: 'https://example.org/pt100',
            },
            ObservedProperty: {
              '@iot.id': 'water_temperature',
              name: 'Water temperature',
              definition: 'http://vocabs.lter-europe.net/EnvThes/22042',
            },
            Observations: [
              { phenomenonTime: '2026-03-02T08:00:00Z', result: 6.5 },
              { phenomenonTime: '2026-03-02T09:00:00Z', result: 6.75 },
            ],
          },
        ],
      });
      const observations = await get(
        "Things('woog')/Datastreams('woog-probe.water_temperature')/Observations",
        '',
      );

      expect(created.status).toBe(201);
      expect(observations.body.value.map((o: { result: number }) => o.result)).toEqual([6.5, 6.75]);
      expect((await get("Datastreams('woog-probe.water_temperature')")).body.properties.retentionDays).toBe(
        365,
      );
    });

    it('creates a Datastream with a new Thing inline', async () => {
      const created = await send('POST', 'Datastreams', {
        name: 'Spaces',
        unitOfMeasurement: { name: 'spaces', symbol: '', definition: 'ucum:{spaces}' },
        observationType: 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_CountObservation',
        Thing: {
          name: 'Parkhaus Nord',
          properties: { useCase: 'parking' },
          Locations: [{ location: POINT }],
        },
        Sensor: { name: 'Counter' },
        ObservedProperty: { '@iot.id': 'free_spaces' },
      });
      const thing = await get(`Datastreams('${created.body['@iot.id']}')/Thing`);

      expect(created.status).toBe(201);
      expect(thing.body.name).toBe('Parkhaus Nord');
      expect(thing.body.properties.useCase).toBe('parking');
    });
  });

  describe('req/create-update-delete/deep-insert-status-code', () => {
    it('writes nothing when one part of a deep insert is invalid', async () => {
      const { status, body } = await send('POST', 'Things', {
        '@iot.id': 'half-done',
        name: 'Half done',
        Locations: [{ location: POINT }],
        Datastreams: [
          {
            name: 'ok',
            unitOfMeasurement: CELSIUS,
            observationType: MEASUREMENT,
            Sensor: { name: 'a' },
            ObservedProperty: { '@iot.id': 'air_temperature' },
          },
          {
            name: 'bad',
            unitOfMeasurement: { name: 'millibar', symbol: 'mbar', definition: 'ucum:mbar' },
            observationType: MEASUREMENT,
            Sensor: { name: 'b' },
            ObservedProperty: { '@iot.id': 'air_temperature' },
          },
        ],
      });

      expect(status).toBe(400);
      expect(body.detail).toContain('names no known UCUM unit');
      expect((await get("Things('half-done')")).status).toBe(404);
    });

    it('writes nothing when the catalog check fails', async () => {
      const { status } = await send('POST', 'Things', {
        '@iot.id': 'unknown-property',
        name: 'Unknown property',
        Locations: [{ location: POINT }],
        Datastreams: [
          {
            name: 'x',
            unitOfMeasurement: CELSIUS,
            observationType: MEASUREMENT,
            Sensor: { name: 'c' },
            ObservedProperty: { '@iot.id': 'no_such_property' },
          },
        ],
      });

      expect(status).toBe(422);
      expect((await get("Things('unknown-property')")).status).toBe(404);
    });
  });

  describe('req/create-update-delete/update-entity', () => {
    it('changes a Thing with PATCH', async () => {
      const { status, body } = await send('PATCH', "Things('luisenplatz')", {
        description: 'Central square',
        properties: { district: 'Mitte', useCase: 'weather', height: 144 },
      });

      expect(status).toBe(200);
      expect(body.description).toBe('Central square');
      expect(body.name).toBe('Luisenplatz');
      expect(body.properties).toEqual({ district: 'Mitte', height: 144, useCase: 'weather' });
    });

    it('moves a Location and its FeatureOfInterest', async () => {
      const moved = { type: 'Point', coordinates: [8.6515, 49.873] };
      const { status } = await send('PATCH', "Locations('luisenplatz')", { location: moved });

      expect(status).toBe(200);
      expect((await get("FeaturesOfInterest('luisenplatz')")).body.feature).toEqual(moved);
    });

    it('publishes a Datastream by its classification', async () => {
      expect((await get("Datastreams('garage-1.spaces')", '')).status).toBe(404);

      const { status, body } = await send('PATCH', "Datastreams('garage-1.spaces')", {
        name: 'Free spaces',
        properties: { classification: 'public' },
      });

      expect(status).toBe(200);
      expect(body.name).toBe('Free spaces');
      expect((await get("Datastreams('garage-1.spaces')", '')).body.properties.classification).toBe('public');
    });

    it('renames a Sensor and keeps its datastream names', async () => {
      await send('PATCH', "Datastreams('thermo-1.temperature')", { name: 'Temperature at Luisenplatz' });
      const { body } = await send('PATCH', "Sensors('thermo-1')", { description: 'Mounted at 3 m' });

      expect(body.description).toBe('Mounted at 3 m');
      expect((await get("Datastreams('thermo-1.temperature')")).body.name).toBe('Temperature at Luisenplatz');
    });

    it('changes an ObservedProperty', async () => {
      const { body } = await send('PATCH', "ObservedProperties('free_spaces')", {
        description: 'Spaces a driver can park in',
      });

      expect(body.description).toBe('Spaces a driver can park in');
    });

    it.each([
      [
        "Datastreams('thermo-1.temperature')",
        { unitOfMeasurement: CELSIUS },
        'cannot change unitOfMeasurement',
      ],
      ["Locations('luisenplatz')", { name: 'x' }, 'cannot change name'],
      [`Observations('thermo-1.temperature@${Date.UTC(2026, 2, 1)}')`, { result: 1 }, 'immutable'],
      ['Things', { name: 'x' }, 'address one entity'],
    ])('rejects PATCH %s', async (path, body, message) => {
      const response = await send('PATCH', path, body);

      expect(response.status).toBe(400);
      expect(response.body.detail).toContain(message);
    });
  });

  describe('req/create-update-delete/delete-entity', () => {
    it('retires a Datastream, which then is gone', async () => {
      const { status } = await send('DELETE', "Datastreams('garage-1.spaces')");

      expect(status).toBe(200);
      expect((await get("Datastreams('garage-1.spaces')")).status).toBe(404);
      expect(
        (await get("Things('garage-mitte')/Datastreams")).body.value.map(
          (d: { '@iot.id': string }) => d['@iot.id'],
        ),
      ).not.toContain('garage-1.spaces');
    });

    it('rejects readings of the retired Datastream', async () => {
      const response = await send('POST', 'CreateObservations', [
        { Datastream: { '@iot.id': 'garage-1.spaces' }, components: ['result'], dataArray: [[5]] },
      ]);

      expect(response.status).toBe(404);
    });

    it.each([
      "Things('luisenplatz')",
      "Sensors('thermo-1')",
      `Observations('thermo-1.temperature@${Date.UTC(2026, 2, 1)}')`,
    ])('rejects DELETE %s', async (path) => {
      const { status, body } = await send('DELETE', path);

      expect(status).toBe(400);
      expect(body.detail).toContain('DELETE a Datastream to retire it');
    });
  });

  describe('req/data-array: CreateObservations', () => {
    it('creates rows and answers a selfLink or "error" per row', async () => {
      const response = await send('POST', 'CreateObservations', [
        {
          Datastream: { '@iot.id': 'thermo-1.temperature' },
          components: ['phenomenonTime', 'result', 'FeatureOfInterest/id'],
          dataArray: [
            ['2026-03-03T10:00:00Z', 11, 'luisenplatz'],
            ['2026-03-03T10:01:00Z', 99, 'luisenplatz'],
            ['2026-03-03T10:02:00Z', 12, 'luisenplatz'],
          ],
        },
      ]);

      expect(response.status).toBe(201);
      expect(response.body).toEqual([
        url(`Observations('thermo-1.temperature@${Date.parse('2026-03-03T10:00:00Z')}')`),
        'error',
        url(`Observations('thermo-1.temperature@${Date.parse('2026-03-03T10:02:00Z')}')`),
      ]);
      expect((await app.request('GET', response.body[2])).body.result).toBe(12);
    });

    it('lets a device token create observations but not things', async () => {
      const device = await app.token('darmstadt', ['device']);
      const observation = await send(
        'POST',
        "Datastreams('thermo-1.temperature')/Observations",
        { phenomenonTime: '2026-03-03T11:00:00Z', result: 13 },
        device,
      );
      const thing = await send('POST', 'Things', { name: 'x', Locations: [{ location: POINT }] }, device);

      expect(observation.status).toBe(201);
      expect(thing.status).toBe(403);
    });
  });
});
