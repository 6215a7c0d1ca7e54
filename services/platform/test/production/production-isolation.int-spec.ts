import { stringify } from 'yaml';
import { DeviceFleet, publishAll } from './device-fleet';
import { signedWithForeignKey, unsigned, withAlteredSignature } from './forged-tokens';
import { createTenantTopics } from './pipeline-state';
import { type HttpResult, applyCatalog, freshToken, requestJson } from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';

/** An operation of the OpenAPI document. */
interface Operation {
  method: string;
  path: string;
}

/** Routes without a tenant parameter, each with its own isolation case below. */
const ROUTES_WITHOUT_TENANT = [
  'GET /tenants',
  'POST /catalog',
  'POST /ingest',
  'GET /jwks.json',
  'GET /observations/{id}/proof',
  'POST /signing-keys/rotations',
  'GET /audit',
  'GET /audit/verification',
  'GET /connectors',
  'GET /connectors/{name}',
  'POST /connectors/{name}/runs',
  'GET /catalog',
  'GET /opendata/publication',
  'POST /opendata/publication/runs',
];

const iso = (ms: number) => new Date(ms).toISOString();
const label = (operation: Operation) => `${operation.method.toUpperCase()} ${operation.path}`;

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'patch']);

type DocumentOperation = {
  tags?: string[];
  responses?: Record<string, { content?: Record<string, unknown> }>;
};

/**
 * Paths the Ingress sends to the analytics service, which this suite does not start. The embedded
 * hostile suite and services/analytics/test/public-quality.int-spec.ts check their isolation.
 */
const ANALYTICS_PATHS = ['/jobs', '/quality'];

/**
 * REST operations of the query API in the document. The SensorThings paths have an isolation suite
 * of their own. Event streams are left out because they never end; the dashboard module spec
 * checks that the live stream sends public datastreams only.
 */
function operationsOf(document: any): Operation[] {
  const isEventStream = (operation: DocumentOperation) =>
    Object.values(operation.responses ?? {}).some(
      (response) => 'text/event-stream' in (response.content ?? {}),
    );

  const servedByAnalytics = (path: string) =>
    ANALYTICS_PATHS.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));

  return Object.entries(document.paths as Record<string, Record<string, DocumentOperation>>)
    .filter(([path]) => !servedByAnalytics(path))
    .flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(
          ([method, operation]) =>
            HTTP_METHODS.has(method) &&
            !(operation.tags ?? []).includes('SensorThings') &&
            !isEventStream(operation),
        )
        .map(([method]) => ({ method, path })),
    );
}

describeProduction('tenant isolation', () => {
  let harness: ProductionHarness;
  let fleet: DeviceFleet;
  let document: any;
  let ids: Record<
    'type' | 'heagThing' | 'heagDevice' | 'heagDatastream' | 'darmstadtThing' | 'darmstadtDevice',
    string
  >;
  // An hour ago on a whole second. Every reading of this suite lies within two minutes after it.
  const firstTimeMs = Math.floor((Date.now() - 3_600_000) / 1000) * 1000;
  const range = `from=${iso(firstTimeMs - 60_000)}&to=${iso(firstTimeMs + 180_000)}`;

  const apiBase = (operation: Operation) =>
    `${harness.url(operation.path === '/ingest' || operation.path.startsWith('/connectors') ? 'ingest-gateway' : 'query-api')}/api/v1`;

  /** Sends an operation against heag's resources. With `change: 'attack'` a write carries the change that darmstadt must not make. */
  function send(operation: Operation, token: string, change: 'attack' | 'control'): Promise<HttpResult> {
    const path = operation.path
      .replace('{tenant}', 'heag')
      .replace(/\/things\/\{id\}/, `/things/${ids.heagThing}`)
      .replace(/\/datastreams\/\{id\}/, `/datastreams/${encodeURIComponent(ids.heagDatastream)}`)
      .replace('{deviceId}', ids.heagDevice)
      .replace('/observations/{id}/proof', '/observations/unknown-observation/proof')
      .replace('{name}', 'unknown-connector');
    if (path.includes('{')) {
      throw new Error(`no value for a parameter of ${label(operation)}; add it to this suite`);
    }
    let query = '';
    if (path.endsWith('/observations')) {
      query = `?${range}`;
    } else if (path === '/ingest') {
      query = `?device=${ids.heagDevice}&format=json`;
    }
    const url = `${apiBase(operation)}${path}${query}`;
    const method = operation.method.toUpperCase();
    if (method === 'GET') {
      return requestJson(url, { token });
    }
    if (path === '/catalog') {
      const name = change === 'attack' ? 'Renamed by darmstadt' : 'HEAG depot';
      const catalog = {
        things: [
          {
            tenant: 'heag',
            id: ids.heagThing,
            name,
            useCase: 'other',
            location: { type: 'Point', coordinates: [8.63, 49.86] },
          },
        ],
      };

      return requestJson(url, { method, token, body: stringify(catalog), contentType: 'application/yaml' });
    }
    if (path === '/ingest') {
      return requestJson(url, {
        method,
        token,
        body: JSON.stringify({ time: iso(firstTimeMs + 5_000), level: 99.5 }),
        contentType: 'application/json',
      });
    }
    const classification = change === 'attack' ? 'public' : 'internal';

    return requestJson(url, {
      method,
      token,
      body: JSON.stringify({ classification }),
      contentType: 'application/json',
    });
  }

  const operatorGet = async (path: string) =>
    (
      await requestJson(`${harness.url('query-api')}/api/v1${path}`, {
        token: await freshToken('platform-operator'),
      })
    ).body;
  const heagValues = async () =>
    (
      (
        await operatorGet(
          `/tenants/heag/datastreams/${encodeURIComponent(ids.heagDatastream)}/observations?${range}`,
        )
      ).observations as any[]
    ).map((observation) => observation.result);
  const heagRejections = async () =>
    (await operatorGet(`/tenants/heag/rejections?device=${ids.heagDevice}`)).total as number;

  /** Publishes JSON readings as a device over MQTT and returns the broker's acknowledgements and failures. */
  async function publishAs(tenant: string, deviceId: string, topicTenant: string, readings: object[]) {
    const client = await fleet.client(tenant, deviceId);
    const topic = `stadtdaten/${topicTenant}/${topicTenant === tenant ? deviceId : ids.heagDevice}/up/json`;

    return publishAll(
      client,
      readings.map((reading) => ({ topic, payload: JSON.stringify(reading) })),
    );
  }

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    fleet = new DeviceFleet(harness.runId);
    const run = harness.runId;
    ids = {
      type: `e2e-meter-${run}`,
      heagThing: `e2e-depot-${run}`,
      heagDevice: `e2e-tram-${run}`,
      heagDatastream: `e2e-tram-${run}.level`,
      darmstadtThing: `e2e-office-${run}`,
      darmstadtDevice: `e2e-sensor-${run}`,
    };
    await Promise.all(['heag', 'darmstadt'].map((tenant) => createTenantTopics(tenant)));
    await harness.start('query-api');
    await applyCatalog(
      harness.url('query-api'),
      await freshToken('platform-operator'),
      await isolationCatalog(),
    );
    await harness.startAll(['ingest-gateway', 'validator', 'storage-writer']);

    await publishAs('heag', ids.heagDevice, 'heag', [
      { time: iso(firstTimeMs), level: 1.25 },
      { time: iso(firstTimeMs + 1_000), level: 'x' },
    ]);
    await waitUntil('heag reading stored', heagValues, (values) => values.length === 1, 60_000, 500);
    await waitUntil('heag rejection stored', heagRejections, (total) => total === 1, 60_000, 500);
    document = await operatorGet('/openapi.json');
  }, 240_000);

  afterAll(async () => {
    await fleet?.close();
    await harness?.dispose();
  }, 120_000);

  /** Creates this run's thing, device type and device in heag and in darmstadt, and each tenant that is missing. */
  async function isolationCatalog(): Promise<string> {
    const existing = new Set(((await operatorGet('/tenants')) as any[]).map((tenant) => tenant.id));
    const names: Record<string, string> = { darmstadt: 'Wissenschaftsstadt Darmstadt', heag: 'HEAG' };
    const perTenant = (tenant: string, thing: string, thingName: string, device: string) => ({
      deviceType: {
        id: ids.type,
        tenant,
        name: 'Water-level meter',
        payloadFormat: 'json',
        fields: [
          {
            field: 'level',
            observedProperty: 'e2e_water_level',
            unit: 'm',
            type: 'number',
            min: 0,
            max: 1000,
          },
        ],
      },
      thing: {
        tenant,
        id: thing,
        name: thingName,
        useCase: 'other',
        location: { type: 'Point', coordinates: [8.63, 49.86] },
      },
      device: { tenant, id: device, type: ids.type, thing },
    });
    const entries = [
      perTenant('heag', ids.heagThing, 'HEAG depot', ids.heagDevice),
      perTenant('darmstadt', ids.darmstadtThing, 'Darmstadt office', ids.darmstadtDevice),
    ];

    return stringify({
      tenants: ['darmstadt', 'heag'].filter((id) => !existing.has(id)).map((id) => ({ id, name: names[id] })),
      observedProperties: [
        {
          id: 'e2e_water_level',
          name: 'Water level',
          definition: 'https://stadtdaten.example/def/e2e_water_level',
        },
      ],
      deviceTypes: entries.map((entry) => entry.deviceType),
      things: entries.map((entry) => entry.thing),
      devices: entries.map((entry) => entry.device),
    });
  }

  it('has a case for every route without a tenant parameter', () => {
    const withoutTenant = operationsOf(document).filter((operation) => !operation.path.includes('{tenant}'));

    expect(withoutTenant.map(label).sort()).toEqual([...ROUTES_WITHOUT_TENANT].sort());
  });

  it('answers the platform operator on every heag route', async () => {
    const token = await freshToken('platform-operator');
    const operations = operationsOf(document).filter((operation) => operation.path.includes('{tenant}'));
    const outcomes = [];
    for (const operation of operations) {
      const { status, body } = await send(operation, token, 'control');
      outcomes.push({
        route: label(operation),
        status,
        namesRun: JSON.stringify(body).includes(harness.runId),
      });
    }

    expect(operations.length).toBeGreaterThanOrEqual(7);
    expect(outcomes).toEqual(outcomes.map(({ route }) => ({ route, status: 200, namesRun: true })));
  });

  it('denies darmstadt every heag resource', async () => {
    const token = await freshToken('darmstadt-admin');
    const operations = operationsOf(document).filter((operation) => operation.path.includes('{tenant}'));
    const outcomes = [];
    for (const operation of operations) {
      const { status, body } = await send(operation, token, 'attack');
      // A list of a tenant returns 200 with the public entries only, and heag has none from this run.
      const hidden =
        status === 403 ||
        status === 404 ||
        (status === 200 && !operation.path.includes('{id}') && !JSON.stringify(body).includes(harness.runId));
      outcomes.push({
        route: label(operation),
        outcome: hidden ? 'denied' : `${status}: ${JSON.stringify(body).slice(0, 200)}`,
      });
    }

    expect(outcomes).toEqual(operations.map((operation) => ({ route: label(operation), outcome: 'denied' })));
    expect(
      (await operatorGet(`/tenants/heag/datastreams/${encodeURIComponent(ids.heagDatastream)}`))
        .classification,
    ).toBe('internal');
  });

  it('rejects a darmstadt catalog that names heag', async () => {
    const { status } = await send(
      { method: 'post', path: '/catalog' },
      await freshToken('darmstadt-admin'),
      'attack',
    );

    expect(status).toBe(403);
    expect((await operatorGet(`/tenants/heag/things/${ids.heagThing}`)).name).toBe('HEAG depot');
  });

  it('lists tenants by id and name only', async () => {
    const { status, body } = await requestJson(`${harness.url('query-api')}/api/v1/tenants`, {
      token: await freshToken('darmstadt-admin'),
    });
    const heag = (body as any[]).find((tenant) => tenant.id === 'heag');

    expect(status).toBe(200);
    expect(Object.keys(heag).sort()).toEqual(['id', 'name']);
  });

  it('keeps HTTP ingest of darmstadt out of heag', async () => {
    const token = await freshToken('darmstadt-admin');
    const rejectionsBefore = await heagRejections();
    const darmstadtRejections = async () =>
      (
        await requestJson(
          `${harness.url('query-api')}/api/v1/tenants/darmstadt/rejections?device=${ids.heagDevice}`,
          { token },
        )
      ).body.total as number;

    const { status } = await send({ method: 'post', path: '/ingest' }, token, 'attack');
    // The reading goes to darmstadt, which has no device of that id, so it ends in darmstadt's dead letter.
    await waitUntil(
      'darmstadt rejection of the reading',
      darmstadtRejections,
      (total) => total >= 1,
      60_000,
      500,
    );

    expect(status).toBe(202);
    expect(await heagValues()).not.toContain(99.5);
    expect(await heagRejections()).toBe(rejectionsBefore);
  });

  it('denies a darmstadt device publishing under heag', async () => {
    const denied = await publishAs('darmstadt', ids.darmstadtDevice, 'heag', [
      { time: iso(firstTimeMs + 10_000), level: 77.75 },
    ]);
    // A reading of heag's own device after the denied one shows when the pipeline has caught up.
    const marker = await publishAs('heag', ids.heagDevice, 'heag', [
      { time: iso(firstTimeMs + 20_000), level: 2.5 },
    ]);
    const values = await waitUntil(
      'heag marker stored',
      heagValues,
      (stored) => stored.includes(2.5),
      60_000,
      500,
    );

    expect(denied.failures.map((failure) => failure.code)).toEqual([135]);
    expect(marker.acknowledged).toBe(1);
    expect(values).not.toContain(77.75);
  });

  // NOTE: an expired Keycloak token is not covered, because the realm's tokens expire only after 5 minutes.
  it('rejects forged tokens on every route with 401', async () => {
    const real = await freshToken('darmstadt-admin');
    const forged = {
      'altered signature': withAlteredSignature(real),
      'foreign key': signedWithForeignKey(real, 'heag'),
      'alg none': unsigned(real, 'heag'),
    };
    const outcomes = [];
    for (const [kind, token] of Object.entries(forged)) {
      for (const operation of operationsOf(document)) {
        const { status } = await send(operation, token, 'attack');
        outcomes.push({ token: kind, route: label(operation), status });
      }
    }

    expect(outcomes).toEqual(outcomes.map(({ token, route }) => ({ token, route, status: 401 })));
  });
});
