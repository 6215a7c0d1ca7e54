import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, getJson, startTestPlatform } from '../helpers';

/**
 * Batch requests of SensorThings 1.1 (requirement class
 * http://www.opengis.net/spec/iot_sensing/1.1/req/batch-request) in the JSON batch format of
 * OData JSON Format 4.01, section 19, against the embedded platform. Each inner request must
 * return what the same request sent directly returns, under the same token and rules.
 */

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
  - { id: heag, name: HEAG }
observedProperties:
  - { id: air_temperature, name: Air temperature, definition: "http://vocabs.lter-europe.net/EnvThes/22035" }
deviceTypes:
  - id: thermo
    tenant: darmstadt
    name: Thermometer
    payloadFormat: json
    fields:
      - { field: temperature, observedProperty: air_temperature, unit: Cel, type: number, min: -40, max: 60 }
  - id: heag-thermo
    tenant: heag
    name: Thermometer
    payloadFormat: json
    fields:
      - { field: temperature, observedProperty: air_temperature, unit: Cel, type: number, min: -40, max: 60 }
things:
  - { tenant: darmstadt, id: luisenplatz, name: Luisenplatz, useCase: weather, location: { type: Point, coordinates: [8.6512, 49.8728] } }
  - { tenant: heag, id: depot, name: Depot, useCase: weather, location: { type: Point, coordinates: [8.63, 49.86] } }
devices:
  - { tenant: darmstadt, id: thermo-public, type: thermo, thing: luisenplatz, classification: public }
  - { tenant: darmstadt, id: thermo-internal, type: thermo, thing: luisenplatz, classification: internal }
  - { tenant: heag, id: depot-thermo, type: heag-thermo, thing: depot, classification: internal }
`;

const ROOT = '/sta/v1.1/tenants/darmstadt';
const POINT = { type: 'Point', coordinates: [8.65, 49.87] };

interface BatchResult {
  status: number;
  body: any;
  /** The inner responses by request id. */
  byId: Record<string, any>;
}

describe('batch-request on the embedded platform', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let admin: string;
  let analyst: string;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, CATALOG);
    admin = await platform.issueToken('darmstadt', ['tenant-admin']);
    analyst = await platform.issueToken('darmstadt', ['analyst'], 'batch-analyst');
  });

  afterAll(async () => {
    await platform?.stop();
    cleanup?.();
  });

  async function batch(
    body: unknown,
    token?: string,
    language = 'en',
    tenant = 'darmstadt',
  ): Promise<BatchResult> {
    const response = await fetch(`${platform.httpUrl}/sta/v1.1/tenants/${tenant}/$batch`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'accept-language': language,
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as any;
    const byId = Object.fromEntries(
      (Array.isArray(json.responses) ? json.responses : []).map((entry: any) => [entry.id, entry]),
    );

    return { status: response.status, body: json, byId };
  }

  const newThing = (id: string) => ({
    '@iot.id': id,
    name: `Thing ${id}`,
    properties: { useCase: 'weather' },
    Locations: [{ name: id, encodingType: 'application/geo+json', location: POINT }],
  });

  describe('req/batch-request/batch-request', () => {
    it('equals direct GETs of entity sets', async () => {
      const paths = [
        'Things',
        'Datastreams?$orderby=id',
        'Sensors',
        'ObservedProperties',
        "Things('luisenplatz')?$expand=Datastreams($select=id)",
        "Datastreams('thermo-internal.temperature')/Thing",
      ];

      const result = await batch(
        { requests: paths.map((url, index) => ({ id: `r${index}`, method: 'get', url })) },
        analyst,
      );

      expect(result.status).toBe(200);
      expect(result.body.responses.map((entry: any) => entry.id)).toEqual(
        paths.map((_, index) => `r${index}`),
      );
      for (const [index, path] of paths.entries()) {
        const direct = await getJson(platform, `${ROOT}/${path}`, analyst);
        expect(direct.status).toBe(200);
        expect(result.byId[`r${index}`]).toEqual({ id: `r${index}`, status: 200, body: direct.body });
      }
    });

    it('resolves absolute paths and URLs', async () => {
      const result = await batch({
        requests: [
          { id: 'path', method: 'GET', url: `${ROOT}/Things('luisenplatz')` },
          { id: 'full', method: 'Get', url: `${platform.httpUrl}${ROOT}/Things('luisenplatz')` },
          { id: 'root', method: 'get', url: ROOT },
        ],
      });

      expect(result.byId.path.status).toBe(200);
      expect(result.byId.path.body['@iot.id']).toBe('luisenplatz');
      expect(result.byId.full.body).toEqual(result.byId.path.body);
      expect(result.byId.root.body.value.map((set: any) => set.name)).toContain('Things');
    });

    it('resolves references to created entities', async () => {
      const result = await batch(
        {
          requests: [
            { id: 'thing', method: 'post', url: 'Things', body: newThing('batch-created') },
            { id: 'read', method: 'get', url: '$thing?$select=id,name', dependsOn: ['thing'] },
            {
              id: 'rename',
              method: 'patch',
              url: '$thing',
              dependsOn: ['thing'],
              body: { name: 'Renamed in the batch' },
            },
            {
              id: 'datastream',
              method: 'post',
              url: 'Datastreams',
              dependsOn: ['thing'],
              body: {
                name: 'Temperature',
                unitOfMeasurement: { name: 'degree Celsius', symbol: '°C', definition: 'ucum:Cel' },
                observationType: 'OM_Measurement',
                Thing: { '@iot.id': '$thing' },
                Sensor: {
                  '@iot.id': 'batch-sensor',
                  name: 'Sensor',
                  encodingType: 'text/html',
                  metadata: 'x',
                },
                ObservedProperty: { '@iot.id': 'air_temperature' },
              },
            },
          ],
        },
        admin,
      );

      expect(result.byId.thing.status).toBe(201);
      expect(result.byId.thing.headers.location).toBe(`${platform.httpUrl}${ROOT}/Things('batch-created')`);
      expect(result.byId.read).toEqual({
        id: 'read',
        status: 200,
        body: { '@iot.id': 'batch-created', name: 'Thing batch-created' },
      });
      expect(result.byId.rename.status).toBe(200);
      expect(result.byId.rename.body.name).toBe('Renamed in the batch');
      expect(result.byId.datastream.status).toBe(201);
      const thingOfDatastream = await getJson(
        platform,
        `${ROOT}/Datastreams('${result.byId.datastream.body['@iot.id']}')/Thing`,
        admin,
      );
      expect(thingOfDatastream.body['@iot.id']).toBe('batch-created');
    });

    it('rejects url reference outside dependsOn', async () => {
      const result = await batch(
        {
          requests: [
            { id: 't', method: 'get', url: "Things('luisenplatz')" },
            { id: 'u', method: 'get', url: '$t/Datastreams' },
          ],
        },
        admin,
      );

      expect(result.byId.t.status).toBe(200);
      expect(result.byId.u.status).toBe(400);
      expect(result.byId.u.body.detail).toContain('add "t" to dependsOn');
    });

    it('rejects request lacking role, runs others', async () => {
      const result = await batch(
        {
          requests: [
            { id: 'before', method: 'get', url: 'Things' },
            { id: 'create', method: 'post', url: 'Things', body: newThing('analyst-thing') },
            { id: 'after', method: 'get', url: "Datastreams('thermo-internal.temperature')" },
          ],
        },
        analyst,
      );
      const direct = await fetch(`${platform.httpUrl}${ROOT}/Things`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${analyst}`,
          'content-type': 'application/json',
          'accept-language': 'en',
        },
        body: JSON.stringify(newThing('analyst-thing')),
      });
      const directBody = (await direct.json()) as any;

      expect(result.status).toBe(200);
      expect(result.byId.before.status).toBe(200);
      expect(result.byId.create.status).toBe(403);
      expect(result.byId.create.headers).toEqual({ 'content-type': 'application/problem+json' });
      expect(result.byId.create.body.code).toBe('FORBIDDEN');
      expect(result.byId.create.body.detail).toBe(directBody.detail);
      expect(direct.status).toBe(403);
      expect(result.byId.after.status).toBe(200);
      expect((await getJson(platform, `${ROOT}/Things('analyst-thing')`, admin)).status).toBe(404);
    });

    it('hides internal entities without token', async () => {
      const result = await batch({
        requests: [
          { id: 'public', method: 'get', url: "Datastreams('thermo-public.temperature')" },
          { id: 'internal', method: 'get', url: "Datastreams('thermo-internal.temperature')" },
        ],
      });

      expect(result.byId.public.status).toBe(200);
      expect(result.byId.internal.status).toBe(404);
    });

    it("does not reach another tenant's entities", async () => {
      const result = await batch(
        {
          requests: [
            { id: 'thing', method: 'get', url: "Things('depot')" },
            { id: 'datastream', method: 'get', url: "Datastreams('depot-thermo.temperature')" },
            { id: 'absolute', method: 'get', url: "/sta/v1.1/tenants/heag/Things('depot')" },
            { id: 'escape', method: 'get', url: "../heag/Things('depot')" },
            { id: 'list', method: 'get', url: 'Things' },
          ],
        },
        admin,
      );
      const heagAsDarmstadt = await batch(
        { requests: [{ id: 'thing', method: 'get', url: "Things('depot')" }] },
        admin,
        'en',
        'heag',
      );

      expect(result.byId.thing.status).toBe(404);
      expect(result.byId.datastream.status).toBe(404);
      expect(result.byId.absolute.status).toBe(400);
      expect(result.byId.absolute.body.detail).toContain(
        'lies outside the service root /sta/v1.1/tenants/darmstadt',
      );
      expect(result.byId.escape.status).toBe(400);
      expect(result.byId.list.body.value.map((thing: any) => thing['@iot.id'])).not.toContain('depot');
      expect(heagAsDarmstadt.byId.thing.status).toBe(404);
    });

    it('writes audit entries for non-public reads', async () => {
      const platformAdmin = await platform.issueToken('platform', ['platform-admin']);
      const auditPath = '/api/v1/audit?tenant=darmstadt&action=DATA_READ_NON_PUBLIC&limit=1000';
      const readsOf = async () =>
        (await getJson(platform, auditPath, platformAdmin)).body.items.filter(
          (entry: any) =>
            entry.target.resourceId === 'thermo-internal.temperature' &&
            entry.details?.api === 'sensorthings',
        ).length;
      const before = await readsOf();

      const result = await batch(
        {
          requests: [
            { id: 'internal', method: 'get', url: "Datastreams('thermo-internal.temperature')/Observations" },
            { id: 'public', method: 'get', url: "Datastreams('thermo-public.temperature')/Observations" },
          ],
        },
        analyst,
      );

      expect(result.byId.internal.status).toBe(200);
      expect(result.byId.public.status).toBe(200);
      expect(await readsOf()).toBe(before + 1);
    });
  });

  describe('dependsOn and atomicityGroup', () => {
    it('returns 424 after failed dependency', async () => {
      const result = await batch(
        {
          requests: [
            { id: 'missing', method: 'patch', url: "Things('no-such-thing')", body: { name: 'x' } },
            {
              id: 'dependent',
              method: 'post',
              url: 'Things',
              dependsOn: ['missing'],
              body: newThing('never-made'),
            },
            { id: 'independent', method: 'get', url: "Things('luisenplatz')" },
          ],
        },
        admin,
        'de',
      );

      expect(result.byId.missing.status).toBe(404);
      expect(result.byId.dependent.status).toBe(424);
      expect(result.byId.dependent.body.title).toBe('Abhängige Anfrage fehlgeschlagen');
      expect(result.byId.dependent.body.detail).toContain('request "missing" failed with status 404');
      expect(result.byId.independent.status).toBe(200);
      expect((await getJson(platform, `${ROOT}/Things('never-made')`, admin)).status).toBe(404);
    });

    it('rejects atomicityGroup, runs nothing', async () => {
      const result = await batch(
        {
          requests: [
            { id: 'a', atomicityGroup: 'g1', method: 'post', url: 'Things', body: newThing('grouped-a') },
            { id: 'b', atomicityGroup: 'g1', method: 'post', url: 'Things', body: newThing('grouped-b') },
          ],
        },
        admin,
      );
      const german = await batch(
        { requests: [{ id: 'a', atomicityGroup: 'g', method: 'get', url: 'Things' }] },
        admin,
        'de',
      );

      expect(result.status).toBe(400);
      expect(result.body.code).toBe('VALIDATION_FAILED');
      expect(result.body.detail).toContain('atomicityGroup is not supported (requests "a", "b")');
      expect(result.body.detail).toContain('nothing in this batch was run');
      expect(german.body.title).toBe('Ungültige Anfrage');
      expect(german.body.detail).toMatch(
        /^Ein Parameter der Anfrage ist ungültig.*atomicityGroup is not supported/,
      );
      expect((await getJson(platform, `${ROOT}/Things('grouped-a')`, admin)).status).toBe(404);
    });
  });

  describe('malformed batch', () => {
    it.each([
      [[{ id: 'a', method: 'get', url: 'Things' }], 'the body must be a JSON object {"requests": [...]}'],
      [{ request: [] }, 'the body must be a JSON object'],
      [{ requests: {} }, '"requests" must be an array'],
      [
        { requests: [{ id: 'a', method: 'get', url: 'Things' }], extra: 1 },
        'unknown member "extra" of the batch',
      ],
      [{ requests: ['Things'] }, 'requests[0] must be an object'],
      [{ requests: [{ method: 'get', url: 'Things' }] }, 'requests[0]: "id" must be a non-empty string'],
      [
        {
          requests: [
            { id: 'a', method: 'get', url: 'Things' },
            { id: 'a', method: 'get', url: 'Sensors' },
          ],
        },
        'request "a": the id is used by an earlier request',
      ],
      [
        { requests: [{ id: 'a', method: 'head', url: 'Things' }] },
        '"method" is "head"; use one of get, post, patch, delete, put',
      ],
      [{ requests: [{ id: 'a', method: 'get' }] }, 'request "a": "url" must be a non-empty string'],
      [{ requests: [{ id: 'a', method: 'post', url: '$batch' }] }, 'a batch cannot contain another batch'],
      [{ requests: [{ id: 'a', method: 'get', url: 'Things', body: {} }] }, 'a GET request takes no "body"'],
      [
        { requests: [{ id: 'a', method: 'get', url: 'Things', headers: { Authorization: 'Bearer x' } }] },
        'remove the "authorization" header',
      ],
      [
        {
          requests: [
            { id: 'a', method: 'get', url: 'Things', dependsOn: ['b'] },
            { id: 'b', method: 'get', url: 'Things' },
          ],
        },
        'dependsOn names "b", which is not the id of an earlier request',
      ],
      [{ requests: [{ id: 'a', method: 'get', url: 'Things', if: 'x' }] }, '"if" is not supported'],
    ])('rejects %j', async (body, message) => {
      const result = await batch(body, admin);

      expect(result.status).toBe(400);
      expect(result.body.code).toBe('VALIDATION_FAILED');
      expect(result.body.detail).toContain('invalid batch: ');
      expect(result.body.detail).toContain(message);
    });

    it('rejects more than 100 requests', async () => {
      const requests = Array.from({ length: 101 }, (_, index) => ({
        id: `r${index}`,
        method: 'get',
        url: 'Things',
      }));

      const result = await batch({ requests }, admin);

      expect(result.status).toBe(400);
      expect(result.body.detail).toContain(
        'the batch has 101 requests, more than the maximum of 100: split it into several batches',
      );
    });

    it('runs 100 requests', async () => {
      const requests = Array.from({ length: 100 }, (_, index) => ({
        id: `r${index}`,
        method: 'get',
        url: 'Sensors',
      }));

      const result = await batch({ requests }, admin);

      expect(result.status).toBe(200);
      expect(result.body.responses).toHaveLength(100);
      expect(result.body.responses.every((entry: any) => entry.status === 200)).toBe(true);
    });

    it('lists every problem of a batch', async () => {
      const result = await batch(
        {
          requests: [
            { id: 'a', method: 'fetch', url: 'Things' },
            { id: 'b', method: 'get', url: '' },
          ],
        },
        admin,
      );

      expect(result.body.detail).toContain('request "a": "method" is "fetch"');
      expect(result.body.detail).toContain('request "b": "url" must be a non-empty string');
    });
  });
});
