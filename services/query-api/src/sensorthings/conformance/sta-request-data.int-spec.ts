import { MINUTE_MS, SEED_START_MS, seed } from './sta-fixtures';
import { type StaTestApp, startStaTestApp } from './sta-test-app';

const at = (minute: number) => `thermo-1.temperature@${SEED_START_MS + minute * MINUTE_MS}`;
const THERMO = "Datastreams('thermo-1.temperature')/Observations";
const FIRST_HOUR = 'phenomenonTime ge 2026-03-01T00:00:00Z and phenomenonTime lt 2026-03-01T01:00:00Z';
const CITY_CENTRE = "geography'POLYGON((8.6 49.8, 8.7 49.8, 8.7 49.9, 8.6 49.9, 8.6 49.8))'";

describe('Filtering Extension (req/request-data)', () => {
  let app: StaTestApp;
  let member: string;

  beforeAll(async () => {
    app = await startStaTestApp();
    await seed(app);
    member = await app.token('darmstadt', ['analyst']);
  });

  afterAll(() => app.close());

  const get = (path: string, token?: string) =>
    app.request('GET', `${app.sta('darmstadt')}/${path.replace(/ /g, '%20')}`, { token });
  const ids = async (path: string, token?: string) => {
    const { status, body } = await get(path, token);
    if (status !== 200) {
      throw new Error(`GET ${path} returned ${status}: ${JSON.stringify(body)}`);
    }

    return body.value.map((entity: { '@iot.id': string }) => entity['@iot.id']);
  };
  const results = async (path: string, token?: string) =>
    (await get(path, token)).body.value.map((entity: { result: unknown }) => entity.result);

  describe('req/request-data/order', () => {
    it('applies $filter, then $orderby, then $skip, then $top', async () => {
      expect(await results(`${THERMO}?$filter=result gt 2&$orderby=result desc&$skip=1&$top=2`)).toEqual([
        8.5, 7.5,
      ]);
    });
  });

  describe('req/request-data/expand', () => {
    it('expands a collection', async () => {
      const { body } = await get("Things('luisenplatz')?$expand=Datastreams");

      expect(body.Datastreams.map((d: { '@iot.id': string }) => d['@iot.id'])).toEqual([
        'thermo-1.temperature',
      ]);
      expect(body['Datastreams@iot.navigationLink']).toBeDefined();
    });

    it('expands single entities', async () => {
      const { body } = await get("Datastreams('thermo-1.temperature')?$expand=Thing,Sensor,ObservedProperty");

      expect([body.Thing['@iot.id'], body.Sensor['@iot.id'], body.ObservedProperty['@iot.id']]).toEqual([
        'luisenplatz',
        'thermo-1',
        'air_temperature',
      ]);
    });

    it('expands a path of navigations', async () => {
      const { body } = await get('Observations?$top=1&$expand=Datastream/Thing');

      expect(body.value[0].Datastream.Thing.name).toBe('Luisenplatz');
    });

    it('expands with nested options', async () => {
      const { body } = await get(
        'Things?$expand=Datastreams($expand=Observations($orderby=phenomenonTime desc;$top=1))',
      );

      expect(body.value[0].Datastreams[0].Observations.map((o: { result: number }) => o.result)).toEqual([
        9.5,
      ]);
    });

    it('counts and pages an expanded collection', async () => {
      const { body } = await get(
        "Datastreams('thermo-1.temperature')?$expand=Observations($filter=result lt 3;$count=true;$top=2)",
      );
      const next = await app.request('GET', body['Observations@iot.nextLink']);

      expect(body['Observations@iot.count']).toBe(3);
      expect(body.Observations.map((o: { result: number }) => o.result)).toEqual([0.5, 1.5]);
      expect(next.body.value.map((o: { result: number }) => o.result)).toEqual([2.5]);
    });

    it('selects inside an expansion', async () => {
      const { body } = await get("Things('luisenplatz')?$expand=Locations($select=location)");

      expect(body.Locations).toEqual([{ location: { type: 'Point', coordinates: [8.6512, 49.8728] } }]);
    });

    it('expands to null where a relation is empty', async () => {
      const { body } = await get(`Observations('${at(0)}')?$expand=MultiDatastream`);

      expect(body.MultiDatastream).toBeNull();
    });
  });

  describe('req/request-data/select', () => {
    it.each([
      ['Things?$select=name', [['name']]],
      ['Things?$select=id,name', [['@iot.id', 'name']]],
      ['Datastreams?$select=name,Thing', [['Thing@iot.navigationLink', 'name']]],
      [`${THERMO}?$select=result&$top=2`, [['result'], ['result']]],
    ])('%s returns only the selected members', async (path, expected) => {
      const { body } = await get(path);

      expect(body.value.map((entity: object) => Object.keys(entity).sort())).toEqual(expected);
    });
  });

  describe('req/request-data/orderby', () => {
    it('orders by one key both ways', async () => {
      expect(await ids('Things?$orderby=name asc', member)).toEqual(['luisenplatz', 'garage-mitte']);
      expect(await ids('Things?$orderby=name desc', member)).toEqual(['garage-mitte', 'luisenplatz']);
    });

    it('orders by several keys', async () => {
      const datastreams = await ids('Datastreams?$orderby=properties/classification desc, name asc', member);

      expect(datastreams).toEqual(['thermo-1.temperature', 'garage-1.spaces']);
    });

    it('orders observations by result in memory', async () => {
      expect(await results('Observations?$orderby=result desc&$top=3', member)).toEqual([140, 130, 120]);
    });

    it('orders observations by time across datastreams', async () => {
      expect(await results('Observations?$orderby=phenomenonTime desc&$top=2', member)).toEqual([9.5, 8.5]);
      expect(await results('Observations?$orderby=phenomenonTime asc&$top=4', member)).toEqual([
        100, 0.5, 110, 1.5,
      ]);
    });

    it('orders by a function', async () => {
      const nearest = await ids(
        "Things?$orderby=geo.distance(Locations/location, geography'POINT(8.66 49.88)') asc",
        member,
      );

      expect(nearest).toEqual(['garage-mitte', 'luisenplatz']);
    });
  });

  describe('req/request-data/top, skip and count', () => {
    it('pages things with $top and $skip', async () => {
      const first = await get('Things?$top=1&$count=true', member);
      const second = await app.request('GET', first.body['@iot.nextLink'], { token: member });

      expect(first.body['@iot.count']).toBe(2);
      expect(first.body.value).toHaveLength(1);
      expect(second.body.value[0]['@iot.id']).not.toBe(first.body.value[0]['@iot.id']);
      expect(second.body['@iot.nextLink']).toBeUndefined();
    });

    it('counts filtered observations', async () => {
      expect((await get(`${THERMO}?$filter=result ge 5&$count=true&$top=1`)).body['@iot.count']).toBe(5);
      expect((await get(`${THERMO}?$filter=${FIRST_HOUR}&$count=true`)).body['@iot.count']).toBe(10);
      expect((await get('Observations?$count=true', member)).body['@iot.count']).toBe(15);
    });

    it('leaves @iot.count out unless requested', async () => {
      expect((await get('Things?$count=false')).body).not.toHaveProperty('@iot.count');
    });

    it('answers $top=0 with the count only', async () => {
      const { body } = await get(`${THERMO}?$top=0&$count=true`);

      expect(body.value).toEqual([]);
      expect(body['@iot.count']).toBe(10);
    });
  });

  describe('req/request-data/filter', () => {
    it.each([
      ['Observations?$filter=result gt 5', [at(5), at(6), at(7), at(8), at(9)]],
      ["Observations?$filter=Datastream/Thing/name eq 'Luisenplatz' and result lt 2", [at(0), at(1)]],
      ['Observations?$filter=phenomenonTime ge 2026-03-01T00:08:00Z', [at(8), at(9)]],
      ['Observations?$filter=phenomenonTime ge 2026-03-01T01:08:00+01:00', [at(8), at(9)]],
      ["Observations?$filter=Datastream/id eq 'garage-1.spaces'", []],
      [
        `Observations?$filter=geo.intersects(FeatureOfInterest/feature, ${CITY_CENTRE}) and result lt 1`,
        [at(0)],
      ],
      ["Things?$filter=properties/useCase eq 'weather'", ['luisenplatz']],
      ["Datastreams?$filter=unitOfMeasurement/definition eq 'ucum:Cel'", ['thermo-1.temperature']],
      ["Sensors?$filter=metadata/deviceType eq 'thermo'", ['thermo-1']],
      ["ObservedProperties?$filter=startswith(definition, 'http://vocabs')", ['air_temperature']],
      [
        "Locations?$filter=geo.distance(location, geography'POINT(8.6512 49.8728)') lt 0.001",
        ['luisenplatz'],
      ],
    ])('%s', async (path, expected) => {
      expect(await ids(path)).toEqual(expected);
    });

    it.each([
      ["Things?$filter=geo.intersects(Locations/location, geography'POINT(8.655 49.875)')", ['garage-mitte']],
      [`Things?$filter=st_within(Locations/location, ${CITY_CENTRE})`, ['garage-mitte', 'luisenplatz']],
      ["Things?$filter=Datastreams/properties/classification eq 'internal'", ['garage-mitte']],
      [
        'Observations?$filter=result ge 130',
        [
          'garage-1.spaces@' + (SEED_START_MS + 3 * MINUTE_MS),
          'garage-1.spaces@' + (SEED_START_MS + 4 * MINUTE_MS),
        ],
      ],
    ])('%s with a member token', async (path, expected) => {
      expect(await ids(path, member)).toEqual(expected);
    });
  });

  describe('req/request-data/built-in-filter-operations', () => {
    it.each([
      ['result eq 2.5', 1],
      ['result ne 2.5', 9],
      ['result gt 2.5', 7],
      ['result ge 2.5', 8],
      ['result lt 2.5', 2],
      ['result le 2.5', 3],
      ['result gt 2 and result lt 5', 3],
      ['result lt 1 or result gt 9', 2],
      ['not (result lt 5)', 5],
      ['result add 1 eq 3.5', 1],
      ['result sub 1 eq 1.5', 1],
      ['result mul 2 eq 5', 1],
      ['result div 2 eq 1.25', 1],
      ['result mod 2 eq 1.5', 5],
      ['(result sub 5) gt 2', 3],
    ])('%s matches %i', async (filter, count) => {
      expect(await ids(`${THERMO}?$filter=${encodeURIComponent(filter)}`)).toHaveLength(count);
    });
  });

  describe('req/request-data/built-in-query-functions', () => {
    it.each([
      ["Things?$filter=substringof('isen', name)", 1],
      ["Things?$filter=startswith(name, 'Parkhaus')", 1],
      ["Things?$filter=endswith(name, 'platz')", 1],
      ['Things?$filter=length(name) eq 11', 1],
      ["Things?$filter=indexof(name, 'Mitte') eq 9", 1],
      ["Things?$filter=substring(name, 0, 8) eq 'Parkhaus'", 1],
      ["Things?$filter=tolower(name) eq 'luisenplatz'", 1],
      ["Things?$filter=toupper(name) eq 'LUISENPLATZ'", 1],
      ["Things?$filter=trim(concat(' ', name)) eq 'Luisenplatz'", 1],
      [
        `${THERMO}?$filter=year(phenomenonTime) eq 2026 and month(phenomenonTime) eq 3 and day(phenomenonTime) eq 1`,
        10,
      ],
      [
        `${THERMO}?$filter=hour(phenomenonTime) eq 0 and minute(phenomenonTime) lt 3 and second(phenomenonTime) eq 0`,
        3,
      ],
      [
        `${THERMO}?$filter=fractionalseconds(phenomenonTime) eq 0 and totaloffsetminutes(phenomenonTime) eq 0`,
        10,
      ],
      [`${THERMO}?$filter=date(phenomenonTime) eq 2026-03-01 and time(phenomenonTime) lt 00:02:00`, 2],
      [
        `${THERMO}?$filter=phenomenonTime lt now() and phenomenonTime gt mindatetime() and phenomenonTime lt maxdatetime()`,
        10,
      ],
      [`${THERMO}?$filter=round(result) eq 3`, 1],
      [`${THERMO}?$filter=floor(result) eq 2`, 1],
      [`${THERMO}?$filter=ceiling(result) eq 3`, 1],
      [`Things?$filter=geo.length(Locations/location) eq 0`, 2],
      [`Things?$filter=st_contains(Locations/location, geography'POINT(8.655 49.875)')`, 1],
      [`Things?$filter=st_disjoint(Locations/location, geography'POINT(0 0)')`, 2],
      [`Things?$filter=st_equals(Locations/location, geography'POINT(8.6512 49.8728)')`, 1],
      [`Things?$filter=st_touches(Locations/location, geography'LINESTRING(8.66 49.87, 8.7 49.87)')`, 1],
      [
        `Things?$filter=st_overlaps(Locations/location, geography'POLYGON((8.655 49.875, 8.7 49.875, 8.7 49.9, 8.655 49.9, 8.655 49.875))')`,
        1,
      ],
      [`Things?$filter=st_crosses(Locations/location, geography'LINESTRING(8.64 49.875, 8.7 49.875)')`, 1],
      [`Things?$filter=st_intersects(Locations/location, ${CITY_CENTRE})`, 2],
    ])('%s matches %i', async (path, count) => {
      expect(await ids(path, member)).toHaveLength(count);
    });
  });

  describe('req/data-array/data-array', () => {
    it('returns observations as rows of components', async () => {
      const { body } = await get(
        `${THERMO}?$resultFormat=dataArray&$select=id,phenomenonTime,result&$top=3&$count=true`,
      );

      expect(body['@iot.count']).toBe(10);
      expect(body.value).toEqual([
        {
          'Datastream@iot.navigationLink': `${app.sta('darmstadt')}/Datastreams('thermo-1.temperature')`,
          components: ['id', 'phenomenonTime', 'result'],
          'dataArray@iot.count': 3,
          dataArray: [
            [at(0), '2026-03-01T00:00:00.000Z', 0.5],
            [at(1), '2026-03-01T00:01:00.000Z', 1.5],
            [at(2), '2026-03-01T00:02:00.000Z', 2.5],
          ],
        },
      ]);
      expect(body['@iot.nextLink']).toContain('$resultFormat=dataArray');
    });

    it('groups rows per datastream', async () => {
      const { body } = await get('Observations?$resultFormat=dataArray&$top=4', member);

      expect(
        body.value.map((group: { 'dataArray@iot.count': number }) => group['dataArray@iot.count']),
      ).toEqual([2, 2]);
      expect(body.value[0].components).toEqual(['id', 'phenomenonTime', 'resultTime', 'result']);
    });

    it('rejects dataArray outside Observations', async () => {
      const { status, body } = await get('Things?$resultFormat=dataArray');

      expect(status).toBe(400);
      expect(body.detail).toContain('Observations only');
    });
  });

  describe('aggregation extension', () => {
    it('aggregates per interval', async () => {
      const { body } = await get(`${THERMO}?$aggregate=mean&$interval=PT5M&$filter=${FIRST_HOUR}`);

      expect(body.value.map((o: { result: number }) => o.result)).toEqual([2.5, 7.5]);
      expect(body.value[0].phenomenonTime).toBe('2026-03-01T00:00:00.000Z/2026-03-01T00:05:00.000Z');
      expect(body.value[0].parameters).toEqual({ aggregate: 'mean', interval: 'PT5M', count: 5 });
      expect(body.value[0]['Datastream@iot.navigationLink']).toBe(
        `${app.sta('darmstadt')}/Datastreams('thermo-1.temperature')`,
      );
    });

    it.each([
      ['max', 'PT1H', [9.5]],
      ['min', 'PT1H', [0.5]],
      ['sum', 'PT1H', [50]],
      ['count', 'PT2M', [2, 2, 2, 2, 2]],
      ['last', 'PT1H', [9.5]],
    ])('$aggregate=%s&$interval=%s', async (aggregate, interval, expected) => {
      expect(
        await results(`${THERMO}?$aggregate=${aggregate}&$interval=${interval}&$filter=${FIRST_HOUR}`),
      ).toEqual(expected);
    });

    it('aggregates each datastream of a collection', async () => {
      const { body } = await get(
        `Observations?$aggregate=max&$interval=PT1H&$filter=${FIRST_HOUR}&$count=true`,
        member,
      );

      expect(body['@iot.count']).toBe(2);
      expect(body.value.map((o: { result: number }) => o.result)).toEqual([140, 9.5]);
    });

    it('writes aggregates as a dataArray', async () => {
      const { body } = await get(
        `${THERMO}?$aggregate=mean&$interval=PT5M&$filter=${FIRST_HOUR}&$resultFormat=dataArray&$select=phenomenonTime,result`,
      );

      expect(body.value[0].dataArray).toEqual([
        ['2026-03-01T00:00:00.000Z/2026-03-01T00:05:00.000Z', 2.5],
        ['2026-03-01T00:05:00.000Z/2026-03-01T00:10:00.000Z', 7.5],
      ]);
    });

    it('is described in the OpenAPI document', async () => {
      const { body } = await app.request('GET', '/api/v1/openapi.json');
      const observations = body.paths['/sta/v1.1/tenants/{tenant}/Observations'];

      expect(observations.servers).toEqual([{ url: app.url }]);
      expect(observations.get.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(
        expect.arrayContaining(['$aggregate', '$interval', '$filter']),
      );
      expect(Object.keys(body.paths).filter((path) => path.startsWith('/sta/'))).toHaveLength(7);
    });

    it.each([
      [`${THERMO}?$aggregate=median&$interval=PT1H`, 'use one of mean'],
      [`${THERMO}?$aggregate=mean&$interval=PT1S`, 'from PT1M to P1D'],
      [`${THERMO}?$aggregate=mean&$interval=P1M`, 'from PT1M to P1D'],
      [`${THERMO}?$aggregate=mean`, 'from PT1M to P1D'],
      [`${THERMO}?$aggregate=mean&$interval=PT1H&$filter=result gt 1`, 'may only compare phenomenonTime'],
      ['Things?$aggregate=mean&$interval=PT1H', 'Observations collections only'],
    ])('%s answers 400', async (path, message) => {
      const { status, body } = await get(path);

      expect(status).toBe(400);
      expect(body.detail).toContain(message);
    });
  });
});
