import { connectAsync } from 'mqtt';
import type { RunningPlatform } from '../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from './helpers';

const CATALOG = `
tenants:
  - { id: darmstadt, name: Darmstadt }
  - { id: heag, name: HEAG }
observedProperties:
  - { id: air_temperature, name: Air temperature, definition: "http://vocabs.lter-europe.net/EnvThes/22035" }
  - { id: free_spaces, name: Free parking spaces, definition: "https://stadtdaten.example/def/free_spaces" }
deviceTypes:
  - id: thermo
    tenant: darmstadt
    name: Thermometer
    payloadFormat: json
    timeZone: Europe/Berlin
    fields:
      - { field: temperature, observedProperty: air_temperature, unit: Cel, type: number, min: -40, max: 60 }
      - { field: spaces, observedProperty: free_spaces, unit: "{spaces}", type: integer, min: 0, max: 500 }
things:
  - { tenant: darmstadt, id: luisenplatz, name: Luisenplatz, useCase: weather, location: { type: Point, coordinates: [8.6512, 49.8728] } }
devices:
  - { tenant: darmstadt, id: thermo-1, type: thermo, thing: luisenplatz, classification: public }
  - { tenant: darmstadt, id: thermo-2, type: thermo, thing: luisenplatz, classification: internal }
`;

describe('embedded platform', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let deviceToken: string;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, CATALOG);
    deviceToken = await platform.issueToken('darmstadt', ['device'], 'thermo');
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
  });

  async function publish(topic: string, payloads: string[], token = deviceToken) {
    const client = await connectAsync(platform.mqttUrl, { username: 'test', password: token, reconnectPeriod: 0 });
    try {
      for (const payload of payloads) {
        await client.publishAsync(topic, payload, { qos: 1 });
      }
    } finally {
      await client.endAsync();
    }
  }

  async function observationsOf(id: string, token?: string) {
    const from = '2026-01-01T00:00:00Z';
    return getJson(platform, `/api/v1/tenants/darmstadt/datastreams/${id}/observations?from=${from}&to=2027-01-01T00:00:00Z`, token);
  }

  it('stores an MQTT reading with its UTC time', async () => {
    await publish('stadtdaten/darmstadt/thermo-1/up', [JSON.stringify({ time: '2026-03-29T03:30:00+02:00', temperature: 7.5 })]);

    const { body } = await waitFor(() => observationsOf('thermo-1.temperature'), (r) => r.body.observations?.length === 1);

    expect(body.observations[0].phenomenonTime).toBe('2026-03-29T01:30:00.000Z');
    expect(body.observations[0].result).toBe(7.5);
    expect(body.unit).toBe('Cel');
  });

  it('reads a local time in the device type zone', async () => {
    await publish('stadtdaten/darmstadt/thermo-1/up', [JSON.stringify({ time: '2026-07-01T12:00:00', temperature: 25 })]);

    const { body } = await waitFor(() => observationsOf('thermo-1.temperature'), (r) => r.body.observations?.length === 2);

    expect(body.observations.map((o: any) => o.phenomenonTime)).toContain('2026-07-01T10:00:00.000Z');
  });

  it('never duplicates a redelivered reading', async () => {
    const reading = JSON.stringify({ time: '2026-05-01T10:00:00Z', spaces: 120 });
    await publish('stadtdaten/darmstadt/thermo-1/up', [reading, reading, reading]);

    await waitFor(() => observationsOf('thermo-1.spaces'), (r) => r.body.observations?.length >= 1);
    const admin = await platform.issueToken('darmstadt', ['tenant-admin']);
    await waitFor(() => getJson(platform, '/api/v1/tenants/darmstadt/rejections', admin), () => true);

    const { body } = await observationsOf('thermo-1.spaces');
    expect(body.observations).toHaveLength(1);
  });

  it.each([
    ['OUT_OF_RANGE', { time: '2026-05-02T10:00:00Z', temperature: 99 }],
    ['WRONG_TYPE', { time: '2026-05-02T10:00:00Z', temperature: 'warm' }],
    ['UNKNOWN_DATASTREAM', { time: '2026-05-02T10:00:00Z', humidity: 40 }],
    ['INVALID_TIMESTAMP', { time: 'yesterday', temperature: 10 }],
    ['FUTURE_TIMESTAMP', { time: '2099-01-01T00:00:00Z', temperature: 10 }],
  ])('dead-letters %s with its reason', async (reason, reading) => {
    await publish('stadtdaten/darmstadt/thermo-1/up', [JSON.stringify(reading)]);
    const admin = await platform.issueToken('darmstadt', ['tenant-admin']);

    const { body } = await waitFor(
      () => getJson(platform, `/api/v1/tenants/darmstadt/rejections?reason=${reason}`, admin),
      (r) => r.body.total >= 1,
    );

    expect(body.items[0].reasonCode).toBe(reason);
    expect(body.items[0].detail.length).toBeGreaterThan(20);
    expect(Buffer.from(body.items[0].payloadBase64, 'base64').toString()).toBe(JSON.stringify(reading));
  });

  it('dead-letters malformed JSON and unknown devices', async () => {
    await publish('stadtdaten/darmstadt/thermo-1/up', ['{"temperature": ']);
    await publish('stadtdaten/darmstadt/no-such-device/up', [JSON.stringify({ temperature: 1 })]);
    const admin = await platform.issueToken('darmstadt', ['tenant-admin']);

    for (const reason of ['MALFORMED_PAYLOAD', 'UNKNOWN_DEVICE']) {
      const { body } = await waitFor(
        () => getJson(platform, `/api/v1/tenants/darmstadt/rejections?reason=${reason}`, admin),
        (r) => r.body.total >= 1,
      );
      expect(body.items[0].reasonCode).toBe(reason);
    }
  });

  it('accepts HTTP ingest with a device token', async () => {
    const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=thermo-1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${deviceToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ time: '2026-06-01T08:00:00Z', temperature: 18.25 }),
    });

    expect(response.status).toBe(202);
    await waitFor(() => observationsOf('thermo-1.temperature'), (r) =>
      r.body.observations?.some((o: any) => o.result === 18.25),
    );
  });

  it('answers 401 in problem+json without a token', async () => {
    const response = await fetch(`${platform.httpUrl}/api/v1/ingest?device=thermo-1`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(((await response.json()) as any).title).toBe('Anmeldung erforderlich');
  });

  it('hides internal datastreams from anonymous and other tenants', async () => {
    const other = await platform.issueToken('heag', ['analyst']);
    const own = await platform.issueToken('darmstadt', ['analyst']);

    expect((await getJson(platform, '/api/v1/tenants/darmstadt/datastreams/thermo-2.temperature')).status).toBe(404);
    expect((await getJson(platform, '/api/v1/tenants/darmstadt/datastreams/thermo-2.temperature', other)).status).toBe(404);
    expect((await getJson(platform, '/api/v1/tenants/darmstadt/datastreams/thermo-2.temperature', own)).status).toBe(200);
    expect((await getJson(platform, '/api/v1/tenants/darmstadt/rejections', other)).status).toBe(403);
  });

  it('refuses an MQTT publish into another tenant', async () => {
    const other = await platform.issueToken('heag', ['device']);
    const client = await connectAsync(platform.mqttUrl, { username: 'x', password: other, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

    client.publish('stadtdaten/darmstadt/thermo-1/up', JSON.stringify({ temperature: 1 }), { qos: 1 });

    await expect(closed).resolves.toBeUndefined();
    await client.endAsync(true);
  });

  it('refuses an MQTT login with an invalid token', async () => {
    await expect(
      connectAsync(platform.mqttUrl, { username: 'x', password: 'not-a-token', reconnectPeriod: 0 }),
    ).rejects.toThrow();
  });

  it('aggregates per interval', async () => {
    await publish(
      'stadtdaten/darmstadt/thermo-1/up',
      [10, 20, 30].map((t, i) => JSON.stringify({ time: `2026-08-01T10:0${i}:00Z`, temperature: t })),
    );
    const url = '/api/v1/tenants/darmstadt/datastreams/thermo-1.temperature/observations?from=2026-08-01T00:00:00Z&to=2026-08-02T00:00:00Z';

    const { body } = await waitFor(
      () => getJson(platform, `${url}&aggregate=mean&interval=1h`),
      (r) => r.body.observations?.[0]?.count === 3,
    );

    expect(body.observations).toEqual([{ phenomenonTime: '2026-08-01T10:00:00.000Z', result: 20, count: 3 }]);
  });

  it('exports the German CSV variant', async () => {
    const url = '/api/v1/tenants/darmstadt/datastreams/thermo-1.temperature/observations?from=2026-06-01T00:00:00Z&to=2026-06-02T00:00:00Z&format=csv-de';
    const response = await fetch(`${platform.httpUrl}${url}`);
    const text = await response.text();
    const bytes = Buffer.from(await (await fetch(`${platform.httpUrl}${url}`)).arrayBuffer());

    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(text).toContain('2026-06-01T08:00:00.000Z;18,25;Cel;thermo-1.temperature');
  });

  it('serves the OpenAPI 3.1 document', async () => {
    const { status, body } = await getJson(platform, '/api/v1/openapi.json');

    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths)).toContain('/tenants/{tenant}/datastreams/{id}/observations');
  });

  it('describes the live stream in OpenAPI', async () => {
    const { body } = await getJson(platform, '/api/v1/openapi.json');
    const stream = body.paths['/tenants/{tenant}/latest/stream']?.get;
    const response = await fetch(`${platform.httpUrl}/api/v1/tenants/darmstadt/latest/stream`, { signal: AbortSignal.timeout(10_000) });
    const snapshot = await firstEventData(response, 'snapshot');

    expect(Object.keys(stream?.responses?.[200]?.content ?? {})).toEqual(['text/event-stream']);
    expect(stream.description).toContain('`snapshot` event');
    expect(snapshot.length).toBeGreaterThan(0);
    expect(Object.keys(snapshot[0]).sort()).toEqual(Object.keys(body.components.schemas.LatestEntry.properties).sort());
  });

  it('describes the rejection state in OpenAPI', async () => {
    const { body } = await getJson(platform, '/api/v1/openapi.json');
    const queryNames = (path: string, method: string) => body.paths[path][method].parameters.map((parameter: { name: string }) => parameter.name);

    expect(queryNames('/tenants/{tenant}/rejections', 'get')).toContain('state');
    expect(queryNames('/ingest', 'post')).toContain('rejection');
    expect(body.components.schemas.Rejection.properties.state.enum).toEqual(['open', 'resubmitted']);
  });
});

/** Reads server-sent events until the first one named `name` and returns its parsed data; cancels the stream then. */
async function firstEventData(response: Response, name: string): Promise<any> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (let chunk = 0; chunk < 1000; chunk++) {
      const { value, done } = await reader.read();
      if (done) {
        break;
      }
      buffer += decoder.decode(value, { stream: true });
      // The part after the last blank line may be an event still arriving.
      const event = buffer
        .split('\n\n')
        .slice(0, -1)
        .find((block) => block.startsWith(`event: ${name}\n`));
      if (event !== undefined) {
        return JSON.parse(event.slice(event.indexOf('data: ') + 'data: '.length));
      }
    }
  } finally {
    await reader.cancel();
  }
  throw new Error(`the stream ended without a "${name}" event`);
}
