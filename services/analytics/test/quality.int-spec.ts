import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { TopicKind, createRawMessage, createRejection, encodeRejection, topicName } from '@stadtdaten/contracts';
import { AedesBroker, MqttIngress } from '@stadtdaten/mqtt';
import Aedes from 'aedes';
import { type MqttClient, connectAsync } from 'mqtt';
import pino from 'pino';
import { AnalyticsSettings } from '../src/analytics-settings';
import { AnalyticsConsumer } from '../src/consumer/analytics.consumer';
import type { QualityJobDefinition } from '../src/definition/analytics-file.schema';
import { QualityService } from '../src/quality/quality.service';
import { SIGNATURE_HEADER, verifySignature } from '../src/quality/webhook-signature';
import { type AnalyticsTestApp, catalog, makeObservation, startAnalyticsTestApp, waitFor } from './analytics-test-app';

const TENANT = 'darmstadt';
const SECRET = 'quality-webhook-secret-0123456789';
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

const CATALOG = catalog(
  TENANT,
  [{ id: 'thermo', name: 'Thermometer', fields: [{ field: 'temperature', observedProperty: 'air_temperature', unit: 'Cel', type: 'number' }] }],
  [
    { id: 'sensor-1', type: 'thermo', classification: 'public' },
    { id: 'sensor-2', type: 'thermo', classification: 'public' },
  ],
);

function document(webhookUrl?: string) {
  return {
    jobs: [{ name: 'quality', kind: 'quality', parameters: { staleAfter: '1h', overrides: [{ match: { devices: ['sensor-1'] }, maxRejectionRate: 0.5 }] } }],
    notifications: {
      webhooks: webhookUrl === undefined ? [] : [{ name: 'ops', url: webhookUrl, secret: SECRET, retryBase: '10ms', retryMax: '50ms' }],
    },
  };
}

/** Readings of sensor-1, one a minute, the newest a minute before `endMs`. */
function recentReadings(endMs: number) {
  return Array.from({ length: 10 }, (_, index) => {
    const timeMs = endMs - (10 - index) * MINUTE_MS;

    return makeObservation(TENANT, 'sensor-1.temperature', timeMs, 20 + (index % 3), { receivedAtMs: timeMs + 500 });
  });
}

async function runQuality(sut: AnalyticsTestApp, nowMs: number) {
  const definition = sut.app.get(AnalyticsSettings).definition.jobs.find((job) => job.kind === 'quality') as QualityJobDefinition;

  return sut.app.get(QualityService, { strict: false }).run(definition, TENANT, nowMs);
}

async function subscribe(url: string, topic: string, password?: string): Promise<{ client: MqttClient; messages: { topic: string; payload: any; retain: boolean }[] }> {
  const client = await connectAsync(url, { protocolVersion: 4, username: password === undefined ? undefined : 'test', password, reconnectPeriod: 0 });
  const messages: { topic: string; payload: any; retain: boolean }[] = [];
  client.on('message', (messageTopic, payload, packet) => messages.push({ topic: messageTopic, payload: JSON.parse(payload.toString()), retain: packet.retain }));
  await client.subscribeAsync(topic, { qos: 1 });

  return { client, messages };
}

describe('quality checks', () => {
  let sut: AnalyticsTestApp;
  let webhookServer: Server;
  const deliveries: { headers: Record<string, unknown>; body: string }[] = [];
  let subscriber: Awaited<ReturnType<typeof subscribe>>;
  const nowMs = Date.now();

  beforeAll(async () => {
    webhookServer = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        deliveries.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.end();
      });
    });
    await new Promise<void>((resolve) => webhookServer.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(webhookServer.address() as AddressInfo).port}/hook`;

    sut = await startAnalyticsTestApp({
      document: document(webhookUrl),
      mqttEdge: (verifier) => new AedesBroker({ host: '127.0.0.1', port: 0, verifier, logger: pino({ level: 'silent' }) }),
    });
    const broker = sut.app.get(MqttIngress) as AedesBroker;
    await broker.start(async () => undefined);
    await sut.registry.applyCatalog(CATALOG);
    subscriber = await subscribe(`mqtt://127.0.0.1:${broker.port}`, `stadtdaten/${TENANT}/quality/#`, await sut.token(TENANT, ['analyst']));
    await sut.publish(TENANT, recentReadings(nowMs));
    await waitFor(() => sut.store.count(TENANT, 'sensor-1.temperature'), (count) => count === 10);
  });

  afterAll(async () => {
    await subscriber?.client.endAsync();
    const broker = sut?.app.get(MqttIngress);
    await sut?.close();
    await broker?.close();
    await new Promise((resolve) => webhookServer.close(resolve));
  });

  it('reports ok and unknown devices', async () => {
    await waitFor(async () => (await runQuality(sut, nowMs)).devices, (devices) => devices === 2);
    const token = await sut.token(TENANT, ['tenant-admin']);
    const { status, body } = await sut.get<any>('/api/v1/quality', token);

    expect(status).toBe(200);
    expect(body.items.map((item: { deviceId: string; status: string }) => [item.deviceId, item.status])).toEqual([
      ['sensor-1', 'ok'],
      ['sensor-2', 'unknown'],
    ]);
  });

  it('publishes the first status of every device on mqtt', async () => {
    await waitFor(async () => subscriber.messages.length, (count) => count >= 2);

    expect(subscriber.messages.map((message) => message.topic).sort()).toEqual([
      `stadtdaten/${TENANT}/quality/sensor-1`,
      `stadtdaten/${TENANT}/quality/sensor-2`,
    ]);
  });

  it('sends no webhook for a first ok status', () => {
    expect(deliveries).toHaveLength(0);
  });

  it('reports a stale device with a signed webhook', async () => {
    await runQuality(sut, nowMs + 2 * HOUR_MS);
    await waitFor(async () => deliveries.length, (count) => count === 1);

    const body = JSON.parse(deliveries[0].body);
    expect(body.type).toBe('quality.status_changed');
    expect(body.deviceId).toBe('sensor-1');
    expect(body.status).toBe('stale');
    expect(body.previousStatus).toBe('ok');
    expect(body.problems[0].datastreamId).toBe('sensor-1.temperature');
    expect(verifySignature(SECRET, deliveries[0].body, String(deliveries[0].headers[SIGNATURE_HEADER]), Math.floor(Date.now() / 1000))).toBe(true);
  });

  it('publishes the stale status on mqtt', async () => {
    const message = await waitFor(
      async () => subscriber.messages.find((entry) => entry.payload.status === 'stale'),
      (entry) => entry !== undefined,
    );

    expect(message!.topic).toBe(`stadtdaten/${TENANT}/quality/sensor-1`);
    expect(message!.payload.previousStatus).toBe('ok');
  });

  it('publishes nothing while the status stays', async () => {
    const before = subscriber.messages.length;
    const result = await runQuality(sut, nowMs + 3 * HOUR_MS);

    expect(result.changes).toBe(0);
    expect(subscriber.messages).toHaveLength(before);
  });

  it('filters the view by status', async () => {
    const token = await sut.token(TENANT, ['analyst']);
    const { body } = await sut.get<any>('/api/v1/quality?status=stale', token);

    expect(body.items.map((item: { deviceId: string }) => item.deviceId)).toEqual(['sensor-1']);
  });

  it('reports a high rejection rate', async () => {
    const topic = topicName(TENANT, TopicKind.REJECTED);
    await sut.eventLog.ensureTopics([topic]);
    const rejections = Array.from({ length: 12 }, (_, index) =>
      createRejection({
        id: `rejection-${index}`,
        raw: createRawMessage({ tenant: TENANT, deviceId: 'sensor-1', id: `raw-bad-${index}`, receivedAtMs: nowMs }),
        reasonCode: 'OUT_OF_RANGE',
        rejectedAtMs: nowMs,
        entryIndex: -1,
      }),
    );
    await sut.eventLog.append(topic, rejections.map((rejection) => ({ key: 'sensor-1', value: encodeRejection(rejection) })));

    const view = await waitFor(
      async () => {
        await runQuality(sut, nowMs + MINUTE_MS);

        return sut.app.get(QualityService, { strict: false }).list(TENANT).find((item) => item.deviceId === 'sensor-1');
      },
      (item) => item?.problems.some((problem) => problem.rule === 'rejecting') === true,
    );
    expect(view!.problems.find((problem) => problem.rule === 'rejecting')!.detail).toContain('12 of 22 messages');
  });

  it('ignores a redelivered batch', async () => {
    const topic = topicName(TENANT, TopicKind.REJECTED);
    const again = Array.from({ length: 12 }, (_, index) => ({
      topic,
      partition: 0,
      offset: String(index),
      key: 'sensor-1',
      timestampMs: nowMs,
      headers: {},
      value: encodeRejection(createRejection({ id: `rejection-${index}`, raw: createRawMessage({ tenant: TENANT, deviceId: 'sensor-1', id: `raw-bad-${index}`, receivedAtMs: nowMs }), reasonCode: 'OUT_OF_RANGE', rejectedAtMs: nowMs, entryIndex: -1 })),
    }));
    await sut.app.get(AnalyticsConsumer, { strict: false }).handleBatch(again);
    await runQuality(sut, nowMs + MINUTE_MS);

    const view = sut.app.get(QualityService, { strict: false }).list(TENANT).find((item) => item.deviceId === 'sensor-1');
    expect(view!.problems.find((problem) => problem.rule === 'rejecting')!.detail).toContain('12 of 22 messages');
  });

  it('scopes the view to the caller tenant', async () => {
    const token = await sut.token('kassel', ['tenant-admin']);
    const { body } = await sut.get<any>('/api/v1/quality', token);

    expect(body.items).toEqual([]);
  });

  it('rejects a device role', async () => {
    const token = await sut.token(TENANT, ['device']);
    const { status } = await sut.get('/api/v1/quality', token);

    expect(status).toBe(403);
  });

  it('answers 404 for an unknown device', async () => {
    const token = await sut.token(TENANT, ['tenant-admin']);
    const { status } = await sut.get('/api/v1/quality/nobody', token);

    expect(status).toBe(404);
  });
});

describe('quality messages over an own mqtt client', () => {
  let sut: AnalyticsTestApp;
  let broker: Aedes;
  let server: ReturnType<typeof createTcpServer>;
  let subscriber: Awaited<ReturnType<typeof subscribe>>;

  beforeAll(async () => {
    broker = new Aedes();
    server = createTcpServer(broker.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
    subscriber = await subscribe(url, `stadtdaten/${TENANT}/quality/#`);
    sut = await startAnalyticsTestApp({ document: document(), mqttClient: { url, clientId: 'analytics-test' } });
    await sut.registry.applyCatalog(CATALOG);
  });

  afterAll(async () => {
    await subscriber?.client.endAsync();
    await sut?.close();
    await new Promise((resolve) => server.close(resolve));
    await new Promise<void>((resolve) => broker.close(() => resolve()));
  });

  it('publishes each device status retained', async () => {
    await waitFor(
      async () => {
        await runQuality(sut, Date.now());

        return subscriber.messages.length;
      },
      (count) => count >= 2,
    );
    const late = await subscribe(`mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`, `stadtdaten/${TENANT}/quality/sensor-2`);
    const retained = await waitFor(async () => late.messages, (messages) => messages.length === 1);
    await late.client.endAsync();

    expect(retained[0].retain).toBe(true);
    expect(retained[0].payload.status).toBe('unknown');
  });
});
