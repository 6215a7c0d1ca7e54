import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { DeviceFleet, type PublishSummary, publishAll } from './device-fleet';
import { applyCatalog, connectGatewayIdentity, fetchTls, freshToken, requestJson } from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Whole UTC days of meter readings before today; the query API reads ranges of 24 days and more from daily rollups. */
const DAYS = 26;
const READINGS_PER_DAY = 4;
/** The quality rule of the probe device: readings above this value are out of range. */
const PROBE_MAX = 100;
const PROBE_VALUE = 500;
/** Bound of each wait on the analytics service, in milliseconds. */
const ANALYTICS_WAIT_MS = 60_000;

interface QualityMessage {
  topic: string;
  retain: boolean;
  body: any;
}

/** Value of reading `index` of day `day`; each day's mean is day × 10 + 1.5, exact in binary floating point. */
function meterValue(day: number, index: number): number {
  return day * 10 + index;
}

function catalog(tenant: string): string {
  return stringify({
    tenants: [{ id: tenant, name: 'Analytics end-to-end run' }],
    observedProperties: [
      { id: 'e2e_level', name: 'Level', definition: 'https://stadtdaten.example/def/e2e_level' },
    ],
    deviceTypes: [
      {
        id: 'gauge',
        tenant,
        name: 'Level gauge',
        payloadFormat: 'json',
        fields: [{ field: 'level', observedProperty: 'e2e_level', unit: 'm', type: 'number', min: 0, max: 100_000 }],
      },
    ],
    things: [
      {
        tenant,
        id: 'gauge-site',
        name: 'Gauge site',
        useCase: 'other',
        location: { type: 'Point', coordinates: [8.6512, 49.8728] },
      },
    ],
    devices: [
      { tenant, id: 'meter', type: 'gauge', thing: 'gauge-site', classification: 'public' },
      { tenant, id: 'probe', type: 'gauge', thing: 'gauge-site', classification: 'internal' },
    ],
  });
}

/**
 * Jobs of this run: daily rollups and the quality checks of the run's tenant only, because the
 * consumer group "analytics" reads every tenant's topics on the shared Kafka.
 */
function analyticsFile(tenant: string): string {
  return stringify({
    jobs: [
      {
        name: 'rollups',
        kind: 'rollup',
        inputs: { tenants: [tenant] },
        parameters: { levels: ['1d'], flushEvery: '500ms' },
      },
      {
        name: 'quality',
        kind: 'quality',
        inputs: { tenants: [tenant] },
        parameters: { overrides: [{ match: { devices: ['probe'] }, range: { max: PROBE_MAX }, outOfRangeRun: 1 }] },
      },
    ],
    notifications: { mqtt: { publish: true, qos: 1, retain: true } },
  });
}

/** Subscribes with the gateway's certificate (the only one that may read quality topics) and keeps every message. */
async function subscribeQuality(clientId: string, topic: string): Promise<{ client: MqttClient; messages: QualityMessage[] }> {
  const client = await connectGatewayIdentity(clientId);
  const messages: QualityMessage[] = [];
  client.on('message', (received, payload, packet) => {
    if (payload.length > 0) {
      messages.push({ topic: received, retain: packet.retain, body: JSON.parse(payload.toString('utf8')) });
    }
  });
  await client.subscribeAsync(topic, { qos: 1 });

  return { client, messages };
}

describeProduction('analytics in production mode', () => {
  let harness: ProductionHarness;
  let fleet: DeviceFleet;
  let subscriber: { client: MqttClient; messages: QualityMessage[] } | undefined;
  let lateSubscriber: { client: MqttClient; messages: QualityMessage[] } | undefined;
  let token: string;
  let summaries: PublishSummary[];
  const todayMs = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const firstDayMs = todayMs - DAYS * DAY_MS;
  const qualityTopic = () => `stadtdaten/${harness.tenant}/quality/probe`;

  const observations = async (datastreamId: string, query: string) =>
    requestJson(`${harness.url('query-api')}/api/v1/tenants/${harness.tenant}/datastreams/${datastreamId}/observations?${query}`, {
      token: await freshToken('platform-operator'),
    });
  const range = `from=${new Date(firstDayMs).toISOString()}&to=${new Date(todayMs).toISOString()}`;

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    fleet = new DeviceFleet(harness.runId);
    await harness.start('query-api');
    token = await freshToken('platform-operator');
    await applyCatalog(harness.url('query-api'), token, catalog(harness.tenant));
    await harness.startAll(['ingest-gateway', 'validator', 'storage-writer']);

    const meterReadings = Array.from({ length: DAYS * READINGS_PER_DAY }, (_, index) => {
      const day = Math.floor(index / READINGS_PER_DAY);
      const slot = index % READINGS_PER_DAY;

      return { time: new Date(firstDayMs + day * DAY_MS + slot * 6 * HOUR_MS + HOUR_MS).toISOString(), level: meterValue(day, slot) };
    });
    const nowMs = Date.now();
    const probeReadings = [3, 2, 1].map((minutes) => ({ time: new Date(nowMs - minutes * 60_000).toISOString(), level: PROBE_VALUE }));
    summaries = await Promise.all([
      publishAll(await fleet.client(harness.tenant, 'meter'), [
        { topic: `stadtdaten/${harness.tenant}/meter/up/json`, payload: JSON.stringify(meterReadings) },
      ]),
      publishAll(await fleet.client(harness.tenant, 'probe'), [
        { topic: `stadtdaten/${harness.tenant}/probe/up/json`, payload: JSON.stringify(probeReadings) },
      ]),
    ]);
    await waitUntil(
      'every meter reading stored',
      async () => (await observations('meter.level', `${range}&limit=1000`)).body.observations?.length ?? 0,
      (count) => count === DAYS * READINGS_PER_DAY,
      ANALYTICS_WAIT_MS,
    );
    await waitUntil(
      'every probe reading stored',
      async () => (await observations('probe.level', `from=${new Date(nowMs - HOUR_MS).toISOString()}&limit=10`)).body.observations?.length ?? 0,
      (count) => count === probeReadings.length,
      ANALYTICS_WAIT_MS,
    );

    // The readings are stored before the analytics service starts. Its consumer reads the new
    // topics from their start, and the first quality run (5 s after the start) finds the probe's readings.
    subscriber = await subscribeQuality(`e2e-quality-${harness.runId}`, qualityTopic());
    const file = join(harness.workDir, 'analytics.yaml');
    writeFileSync(file, analyticsFile(harness.tenant));
    await harness.start('analytics', 'analytics', { STADTDATEN_ANALYTICS_FILE: file });
  }, 240_000);

  afterAll(async () => {
    await subscriber?.client.endAsync();
    await lateSubscriber?.client.endAsync();
    await fleet?.close();
    await harness?.dispose();
  }, 120_000);

  it('acknowledges both messages', () => {
    expect(summaries.flatMap((summary) => summary.failures)).toEqual([]);
    expect(summaries.map((summary) => summary.acknowledged)).toEqual([1, 1]);
  });

  it('stores daily rollups in InfluxDB', async () => {
    const rollups = await waitUntil(
      'every daily mean stored',
      async () => (await observations('rollup-meter.level.mean_1d', `${range}&limit=100`)).body.observations ?? [],
      (rows: any[]) => rows.length === DAYS,
      ANALYTICS_WAIT_MS,
    );

    expect(rollups.map((row: any) => row.result)).toEqual(Array.from({ length: DAYS }, (_, day) => day * 10 + 1.5));
    expect(rollups[0].phenomenonTime).toBe(new Date(firstDayMs).toISOString());
  });

  it('answers a long-range daily mean from the rollups', async () => {
    await waitUntil(
      'every daily count stored',
      async () => (await observations('rollup-meter.level.count_1d', `${range}&limit=100`)).body.observations?.length ?? 0,
      (count) => count === DAYS,
      ANALYTICS_WAIT_MS,
    );

    const response = await fetchTls(
      `${harness.url('query-api')}/api/v1/tenants/${harness.tenant}/datastreams/meter.level/observations?${range}&aggregate=mean&interval=1d`,
      { headers: { authorization: `Bearer ${await freshToken('platform-operator')}` }, signal: AbortSignal.timeout(30_000) },
    );
    const body = (await response.json()) as any;

    expect(response.status).toBe(200);
    expect(response.headers.get('x-stadtdaten-aggregate-source')).toBe('rollup-1d');
    expect(body.observations).toEqual(
      Array.from({ length: DAYS }, (_, day) => ({
        phenomenonTime: new Date(firstDayMs + day * DAY_MS).toISOString(),
        result: day * 10 + 1.5,
        count: READINGS_PER_DAY,
      })),
    );
  });

  it('publishes the quality status over MQTTS', async () => {
    const messages = await waitUntil(
      'quality message of the probe',
      async () => subscriber!.messages,
      (received) => received.length > 0,
      ANALYTICS_WAIT_MS,
    );

    expect(messages[0].topic).toBe(qualityTopic());
    expect(messages[0].body).toEqual({
      tenant: harness.tenant,
      deviceId: 'probe',
      status: 'out_of_range',
      previousStatus: 'unknown',
      changedAt: expect.any(String),
      problems: [
        {
          rule: 'out_of_range',
          datastreamId: 'probe.level',
          detail: `the last 1 readings lie outside -∞ … ${PROBE_MAX} (newest ${PROBE_VALUE})`,
        },
      ],
    });
  });

  it('retains the status for later subscribers', async () => {
    await waitUntil('quality message of the probe', async () => subscriber!.messages.length, (count) => count > 0, ANALYTICS_WAIT_MS);

    lateSubscriber = await subscribeQuality(`e2e-quality-late-${harness.runId}`, qualityTopic());
    const [retained] = await waitUntil('retained quality message', async () => lateSubscriber!.messages, (received) => received.length > 0, 10_000);

    expect(retained.retain).toBe(true);
    expect(retained.body.status).toBe('out_of_range');
  });
});
