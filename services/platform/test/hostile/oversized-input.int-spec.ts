import { connectAsync } from 'mqtt';
import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, startTestPlatform, waitFor } from '../helpers';
import { HOSTILE_CATALOG, TENANT_A, call } from './hostile-platform';

const MIB = 1024 * 1024;

/** `[[[…]]]` nested `depth` levels deep: a few bytes per level, so a small body nests very deep. */
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

interface Rejection {
  deviceId: string;
  reasonCode: string;
  detail: string;
}

describe('oversized and deeply nested input', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let admin: string;
  let device: string;

  function problemOf(text: string): { code?: string; detail?: string } {
    return JSON.parse(text) as { code?: string; detail?: string };
  }

  /** Waits for the dead-letter entry of a device; each test sends from its own device id. */
  async function rejectionOf(deviceId: string): Promise<Rejection> {
    const path = `/api/v1/tenants/${TENANT_A}/rejections?device=${encodeURIComponent(deviceId)}`;
    const { text } = await waitFor(
      () => call(platform, 'GET', path, { token: admin }),
      (response) => (JSON.parse(response.text) as { total: number }).total > 0,
    );

    return (JSON.parse(text) as { items: Rejection[] }).items[0]!;
  }

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, HOSTILE_CATALOG);
    const devices = ['deep-json', 'deep-senml', 'deep-chirpstack', 'deep-mqtt'].map(
      (id) => `  - { tenant: ${TENANT_A}, id: ${id}, type: level-meter, thing: luisenplatz, classification: internal }`,
    );
    await applyCatalog(platform, `devices:\n${devices.join('\n')}\n`);
    admin = await platform.issueToken(TENANT_A, ['tenant-admin'], 'admin-a');
    device = await platform.issueToken(TENANT_A, ['device'], 'device-a');
  });

  afterAll(async () => {
    await platform.stop();
    cleanup();
  });

  describe('POST /api/v1/catalog', () => {
    it.each([
      ['JSON', 'application/json', `{"tenants": [], "pad": "${'x'.repeat(11 * MIB)}"}`],
      ['YAML', 'application/yaml', `tenants: []\npad: ${'x'.repeat(11 * MIB)}\n`],
    ])('answers 413 to an 11 MiB %s body', async (_name, contentType, body) => {
      const response = await call(platform, 'POST', '/api/v1/catalog', { token: admin, contentType, body });

      expect(response.status).toBe(413);
      expect(problemOf(response.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
      expect(problemOf(response.text).detail).toMatch(/exceeds the limit of 10485760 bytes/);
    });

    it('answers 400 to JSON nested 100,000 levels deep', async () => {
      const body = `{"tenants": [], "things": ${nested(100_000)}}`;

      const response = await call(platform, 'POST', '/api/v1/catalog', { token: admin, contentType: 'application/json', body });

      expect(response.status).toBe(400);
      expect(problemOf(response.text).detail).toMatch(/deeper than 64 levels/);
    });

    it('accepts thing properties nested within the limit', async () => {
      const properties = JSON.parse(`{"a": ${nested(50)}}`) as object;
      const body = JSON.stringify({
        things: [{ tenant: TENANT_A, id: 'nested', name: 'Nested', useCase: 'waste', location: { type: 'Point', coordinates: [8.6, 49.8] }, properties }],
      });

      const response = await call(platform, 'POST', '/api/v1/catalog?dryRun=true', { token: admin, contentType: 'application/json', body });

      expect(response.status).toBe(200);
    });

    it('answers 422 to YAML nested 100,000 levels deep', async () => {
      const body = `tenants: []\nthings: ${nested(100_000)}\n`;

      const response = await call(platform, 'POST', '/api/v1/catalog', { token: admin, contentType: 'application/yaml', body });

      expect(response.status).toBe(422);
      expect(problemOf(response.text)).toMatchObject({ code: 'INVALID_CATALOG' });
    });

    it('answers 422 to YAML aliases that expand exponentially', async () => {
      const names = 'abcdefghij'.split('');
      const lines = names.map((name, index) =>
        index === 0 ? `${name}: &${name} [x, x, x, x, x, x, x, x, x, x]` : `${name}: &${name} [${Array(10).fill(`*${names[index - 1]}`).join(', ')}]`,
      );

      const response = await call(platform, 'POST', '/api/v1/catalog', { token: admin, contentType: 'application/yaml', body: lines.join('\n') });

      expect(response.status).toBe(422);
      expect(problemOf(response.text)).toMatchObject({ code: 'INVALID_CATALOG' });
    });
  });

  it('answers 400 to a datastream change nested 100,000 levels deep', async () => {
    const response = await call(platform, 'PATCH', `/api/v1/tenants/${TENANT_A}/datastreams/a-meter.level`, {
      token: admin,
      contentType: 'application/json',
      body: `{"name": ${nested(100_000)}}`,
    });

    expect(response.status).toBe(400);
    expect(problemOf(response.text).detail).toMatch(/deeper than 64 levels/);
  });

  describe('POST /api/v1/ingest', () => {
    const ingest = (deviceId: string, body: string, query = '') =>
      call(platform, 'POST', `/api/v1/ingest?device=${deviceId}${query}`, { token: device, contentType: 'application/json', body });

    it('answers 413 to a body over 4 MiB', async () => {
      const response = await ingest('a-meter', `{"level": 1, "pad": "${'x'.repeat(5 * MIB)}"}`);

      expect(response.status).toBe(413);
      expect(problemOf(response.text)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('dead-letters a payload over the payload limit', async () => {
      const response = await ingest('big-http', `{"level": 1, "pad": "${'x'.repeat(MIB)}"}`);

      expect(response.status).toBe(202);
      expect(await rejectionOf('big-http')).toMatchObject({ reasonCode: 'PAYLOAD_TOO_LARGE' });
    });

    it.each([
      ['json', 'deep-json', `{"level": ${nested(100_000)}}`, ''],
      ['senml', 'deep-senml', `[{"n": "level", "v": 1, "vd": ${nested(100_000)}}]`, '&format=senml'],
      [
        'chirpstack-v4 objectJSON',
        'deep-chirpstack',
        JSON.stringify({ devEUI: '0011223344556677', objectJSON: `{"level": ${nested(100_000)}}` }),
        '&format=chirpstack-v4',
      ],
    ])('dead-letters %s nested 100,000 levels deep', async (_name, deviceId, body, query) => {
      const response = await ingest(deviceId, body, query);

      expect(response.status).toBe(202);
      const rejection = await rejectionOf(deviceId);
      expect(rejection.reasonCode).toBe('INVALID_PAYLOAD');
      expect(rejection.detail).toMatch(/deeper than 64 levels/);
    });
  });

  it('dead-letters oversized and deeply nested MQTT publishes', async () => {
    const client = await connectAsync(platform.mqttUrl, { username: 'device-a', password: device, reconnectPeriod: 0 });
    try {
      await client.publishAsync(`stadtdaten/${TENANT_A}/big-mqtt/up/json`, `{"level": 1, "pad": "${'x'.repeat(5 * MIB)}"}`, { qos: 1 });
      await client.publishAsync(`stadtdaten/${TENANT_A}/deep-mqtt/up/json`, `{"level": ${nested(100_000)}}`, { qos: 1 });
    } finally {
      await client.endAsync();
    }

    expect(await rejectionOf('big-mqtt')).toMatchObject({ reasonCode: 'PAYLOAD_TOO_LARGE' });
    expect(await rejectionOf('deep-mqtt')).toMatchObject({ reasonCode: 'INVALID_PAYLOAD' });
  });

  it('closes an MQTT connection that sends over 16 MiB', async () => {
    const client = await connectAsync(platform.mqttUrl, { username: 'device-a', password: device, reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

    client.publish(`stadtdaten/${TENANT_A}/big-mqtt/up/json`, Buffer.alloc(17 * MIB, 0x20), { qos: 1 });
    await closed;
    client.end(true);

    expect((await call(platform, 'GET', '/health/ready')).status).toBe(200);
  });

  it('stores a valid reading after all of these', async () => {
    const time = new Date(Date.now() - 60_000).toISOString();
    const sent = await call(platform, 'POST', '/api/v1/ingest?device=a-meter', {
      token: device,
      contentType: 'application/json',
      body: JSON.stringify({ time, level: 42.25 }),
    });
    expect(sent.status).toBe(202);

    const stored = await waitFor(
      () => call(platform, 'GET', `/api/v1/tenants/${TENANT_A}/datastreams/a-meter.level/observations`),
      (response) => response.text.includes('42.25'),
    );

    expect(stored.status).toBe(200);
    expect((await call(platform, 'GET', '/health/ready')).status).toBe(200);
  });
});
