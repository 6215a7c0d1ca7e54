import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithSamples } from '@stadtdaten/testing';
import { seed } from './sta-fixtures';
import { type StaTestApp, startStaTestApp } from './sta-test-app';

/** Optional members of FROST's responses that this server leaves out. */
const OPTIONAL_DATASTREAM_MEMBERS = ['observedArea', 'phenomenonTime', 'resultTime', 'FeatureOfInterest'];
const OPTIONAL_OBSERVATION_MEMBERS = ['resultQuality'];

describeWithSamples('FROST responses of the British Geological Survey, replayed', (dir) => {
  const read = (file: string) => JSON.parse(readFileSync(join(dir, 'sensorthings', file), 'utf8'));
  const page = read('frost_bgs_observations_page.json');
  const datastreams = read('frost_bgs_datastreams_featureOfInterest14.json').value as any[];
  const feature = datastreams[0].FeatureOfInterest;
  let app: StaTestApp;
  let admin: string;
  let loggerId: string;

  beforeAll(async () => {
    app = await startStaTestApp();
    await seed(app);
    admin = await app.token('darmstadt', ['tenant-admin']);
  });

  afterAll(() => app.close());

  const url = (path: string) => (path.startsWith('http') ? path : `${app.sta('darmstadt')}/${path}`);
  const send = (method: string, path: string, body?: unknown) =>
    app.request(method, url(path), { token: admin, body });

  /** Turns a FROST Datastream into a create request, with a new Sensor and ObservedProperty of its own. */
  const createRequest = (datastream: any, index: number) => ({
    name: datastream.name,
    description: datastream.description,
    unitOfMeasurement: datastream.unitOfMeasurement,
    observationType: datastream.observationType,
    properties: { classification: 'public' },
    Sensor: { '@iot.id': `bgs-${index}`, name: `BGS logger channel ${index}` },
    ObservedProperty: {
      '@iot.id': `bgs_quantity_${index}`,
      name: datastream.name,
      definition: `https://example.org/bgs/${index}`,
    },
  });

  it('creates the logger from its FeatureOfInterest', async () => {
    const { status, body } = await send('POST', 'Things', {
      name: feature.name,
      description: feature.description,
      properties: feature.properties,
      Locations: [{ name: feature.name, encodingType: feature.encodingType, location: feature.feature }],
    });
    loggerId = body['@iot.id'];

    expect(status).toBe(201);
    expect(body.properties.z_crs).toBe('maOD');
    expect((await send('GET', `FeaturesOfInterest('${loggerId}')`)).body.feature).toEqual(feature.feature);
  });

  it('creates the datastreams whose units are UCUM codes of the registry', async () => {
    const outcomes = [];
    for (const [index, datastream] of datastreams.entries()) {
      const { status, body } = await send(
        'POST',
        `Things('${loggerId}')/Datastreams`,
        createRequest(datastream, index),
      );
      outcomes.push({
        unit: datastream.unitOfMeasurement.definition,
        status,
        explained: status === 201 || String(body.detail).includes('names no known UCUM unit'),
      });
    }

    expect(
      outcomes
        .filter((outcome) => outcome.status === 201)
        .map((outcome) => outcome.unit)
        .sort(),
    ).toEqual(['ucum:Cel', 'ucum:m', 'ucum:m', 'ucum:m']);
    expect(outcomes.filter((outcome) => !outcome.explained)).toEqual([]);
  });

  it('answers with the members of a FROST Datastream', async () => {
    const ours = (await send('GET', `Things('${loggerId}')/Datastreams?$top=1`)).body.value[0];
    const expected = Object.keys(datastreams[0]).filter((key) => !OPTIONAL_DATASTREAM_MEMBERS.includes(key));

    expect(Object.keys(ours)).toEqual(expect.arrayContaining(expected));
    expect(Object.keys(ours.unitOfMeasurement).sort()).toEqual(
      Object.keys(datastreams[0].unitOfMeasurement).sort(),
    );
  });

  it('replays the observation page through CreateObservations', async () => {
    // The page contains absolute pressure in mbar, which equals hPa, a UCUM code of the registry.
    const pressure = await send('POST', `Things('${loggerId}')/Datastreams`, {
      ...createRequest(
        datastreams.find((d) => d.unitOfMeasurement.definition === 'ucum:mbar'),
        99,
      ),
      unitOfMeasurement: { name: 'hectopascal', symbol: 'hPa', definition: 'ucum:hPa' },
    });
    const rows = page.value.map((observation: any) => [observation.phenomenonTime, observation.result]);
    const created = await send('POST', 'CreateObservations', [
      {
        Datastream: { '@iot.id': pressure.body['@iot.id'] },
        components: ['phenomenonTime', 'result'],
        dataArray: rows,
      },
    ]);
    const query = new URL(page['@iot.nextLink']).search.replace(/\$skip=500&?/, '');
    const readBack = await app.request('GET', `${pressure.body['Observations@iot.navigationLink']}${query}`);

    expect(created.body.filter((entry: string) => entry === 'error')).toEqual([]);
    expect(readBack.body['@iot.count']).toBe(3);
    expect(readBack.body.value.map((o: any) => [o.phenomenonTime, o.result])).toEqual(rows);
    expect(Object.keys(readBack.body.value[0])).toEqual(
      expect.arrayContaining(
        Object.keys(page.value[0]).filter((key) => !OPTIONAL_OBSERVATION_MEMBERS.includes(key)),
      ),
    );
  });
});
