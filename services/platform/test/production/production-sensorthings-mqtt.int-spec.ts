import { TopicKind, topicName } from '@stadtdaten/contracts';
import type { MqttClient } from 'mqtt';
import { stringify } from 'yaml';
import { DeviceFleet, publishAll } from './device-fleet';
import { groupMembers } from './pipeline-state';
import {
  STA_MQTT_SETTINGS,
  applyCatalog,
  connectAnonymous,
  freshToken,
  requestJson,
  setting,
} from './production-clients';
import { ProductionHarness, describeProduction, waitUntil } from './production-harness';

/** Consumer group of the query API's SensorThings publisher (STA_MQTT_GROUP in services/query-api). */
const STA_MQTT_GROUP = 'sensorthings-mqtt';
/** Bound of each wait for the pipeline, the publisher and the broker, in milliseconds. */
const WAIT_MS = 30_000;
/** PUBACK reason code of a publish that the broker's ACL denies (MQTT 5: not authorized). */
const NOT_AUTHORIZED = 135;

interface Received {
  topic: string;
  body: any;
}

function catalog(tenant: string): string {
  return stringify({
    tenants: [{ id: tenant, name: 'SensorThings MQTT end-to-end run' }],
    observedProperties: [
      { id: 'e2e_level', name: 'Level', definition: 'https://stadtdaten.example/def/e2e_level' },
    ],
    deviceTypes: [
      {
        id: 'gauge',
        tenant,
        name: 'Level gauge',
        payloadFormat: 'json',
        fields: [
          { field: 'level', observedProperty: 'e2e_level', unit: 'm', type: 'number', min: 0, max: 100 },
        ],
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
      { tenant, id: 'gauge-public', type: 'gauge', thing: 'gauge-site', classification: 'public' },
      { tenant, id: 'gauge-internal', type: 'gauge', thing: 'gauge-site', classification: 'internal' },
    ],
  });
}

describeProduction('SensorThings MQTT through the public Mosquitto', () => {
  let harness: ProductionHarness;
  let fleet: DeviceFleet;
  let subscriber: MqttClient | undefined;
  const received: Received[] = [];
  /** Distinct phenomenon times, one minute apart and in the past, so that no reading is rejected as future. */
  let nextTimeMs = Math.floor(Date.now() / 60_000) * 60_000 - 60 * 60_000;

  const topicOf = (device: string) =>
    `v1.1/tenants/${harness.tenant}/Datastreams('${device}.level')/Observations`;

  /** Publishes one reading of a device through Mosquitto and the gateway, and returns its phenomenon time. */
  async function publishReading(device: string, level: number): Promise<string> {
    const time = new Date(nextTimeMs).toISOString();
    nextTimeMs += 60_000;
    const summary = await publishAll(await fleet.client(harness.tenant, device), [
      { topic: `stadtdaten/${harness.tenant}/${device}/up/json`, payload: JSON.stringify({ time, level }) },
    ]);
    expect(summary.failures).toEqual([]);

    return time;
  }

  /** Waits until the store returns the reading of `device` at `time`, read with an operator's token. */
  async function waitStored(device: string, time: string): Promise<void> {
    const url = `${harness.url('query-api')}/api/v1/tenants/${harness.tenant}/datastreams/${device}.level/observations?from=${time}&limit=10`;
    await waitUntil(
      `reading of ${device} at ${time} stored`,
      async () =>
        (await requestJson(url, { token: await freshToken('platform-operator') })).body.observations ?? [],
      (rows: any[]) => rows.some((row) => row.phenomenonTime === time),
      WAIT_MS,
    );
  }

  beforeAll(async () => {
    harness = await ProductionHarness.create();
    fleet = new DeviceFleet(harness.runId);
    await harness.start('query-api', 'query-api', {
      ...Object.fromEntries(STA_MQTT_SETTINGS.map((name) => [name, setting(name)])),
      STADTDATEN_STA_MQTT_CLIENT_ID: `e2e-sta-${harness.runId}`,
    });
    await applyCatalog(
      harness.url('query-api'),
      await freshToken('platform-operator'),
      catalog(harness.tenant),
    );
    await harness.startAll(['ingest-gateway', 'validator', 'storage-writer']);

    // The publisher's group starts at the end of each topic, so a reading appended before the
    // group is assigned the run's observations topic would never be published.
    const observationsTopic = topicName(harness.tenant, TopicKind.OBSERVATIONS);
    await waitUntil(
      `group ${STA_MQTT_GROUP} assigned ${observationsTopic}`,
      () => groupMembers([STA_MQTT_GROUP]),
      (members) => members.some((member) => observationsTopic in member.assignment),
      WAIT_MS,
      500,
    );

    // The publisher drops an observation that the store does not show within 10 s. The first
    // one may miss that while the storage writer joins its group, so one stored reading comes first.
    await waitStored('gauge-public', await publishReading('gauge-public', 1));

    subscriber = await connectAnonymous(`e2e-citizen-${harness.runId}`);
    subscriber.on('message', (topic, payload) =>
      received.push({ topic, body: JSON.parse(payload.toString('utf8')) }),
    );
    // Mosquitto grants every subscription and checks the ACL at each delivery.
    await subscriber.subscribeAsync(
      [topicOf('gauge-public'), topicOf('gauge-internal'), `stadtdaten/${harness.tenant}/#`],
      { qos: 0 },
    );
  }, 240_000);

  afterAll(async () => {
    await subscriber?.endAsync();
    await fleet?.close();
    await harness?.dispose();
  }, 120_000);

  it('delivers a public observation as its selfLink returns it', async () => {
    const time = await publishReading('gauge-public', 12.5);
    const [message] = await waitUntil(
      'message of the public reading',
      async () =>
        received.filter(
          (entry) => entry.topic === topicOf('gauge-public') && entry.body.phenomenonTime === time,
        ),
      (messages) => messages.length > 0,
      WAIT_MS,
    );

    const selfLink = await requestJson(message.body['@iot.selfLink']);

    expect(message.body.result).toBe(12.5);
    expect(message.body['@iot.selfLink']).toContain(
      `${harness.url('query-api')}/sta/v1.1/tenants/${harness.tenant}/`,
    );
    expect(selfLink.status).toBe(200);
    expect(message.body).toEqual(selfLink.body);
  });

  it('delivers no internal observation', async () => {
    // The internal reading is stored before the public one is sent, so the publisher takes it
    // from the event log first and would have sent it by the time the public message arrives.
    const internalTime = await publishReading('gauge-internal', 40);
    await waitStored('gauge-internal', internalTime);
    const publicTime = await publishReading('gauge-public', 41);
    await waitUntil(
      'message of the public reading',
      async () => received.filter((entry) => entry.body.phenomenonTime === publicTime),
      (messages) => messages.length > 0,
      WAIT_MS,
    );

    expect(received.filter((entry) => entry.topic === topicOf('gauge-internal'))).toEqual([]);
    expect(received.filter((entry) => entry.body.phenomenonTime === internalTime)).toEqual([]);
  });

  it('delivers no device message to the anonymous subscriber', () => {
    expect(received.filter((entry) => entry.topic.startsWith('stadtdaten/'))).toEqual([]);
  });

  // Both listeners require a client certificate during the TLS handshake, so a client without
  // one never reaches MQTT there. At the devices' broker it therefore cannot use a device's client id.
  it.each([
    ['the device broker', 'STADTDATEN_MQTT_URL' as const],
    ['the publisher listener', 'STADTDATEN_STA_MQTT_URL' as const],
  ])('rejects an anonymous client at %s', async (_listener, urlSetting) => {
    const outcome = await connectAnonymous(`e2e-citizen-refused-${harness.runId}`, setting(urlSetting)).then(
      async (client) => {
        await client.endAsync();

        return 'connected';
      },
      (error: Error) => error.message,
    );

    // TLS 1.3 ends with the alert "certificate required", TLS 1.2 with "handshake failure".
    expect(outcome).toMatch(/certificate required|handshake failure/);
  });

  it('rejects a publish from an anonymous client', async () => {
    const publisher = await connectAnonymous(`e2e-citizen-publisher-${harness.runId}`);
    const forged = JSON.stringify({ result: -1, phenomenonTime: new Date(nextTimeMs).toISOString() });
    try {
      const outcome = await publisher.publishAsync(topicOf('gauge-public'), forged, { qos: 1 }).then(
        () => 0,
        (error: Error & { code?: number }) => error.code,
      );

      expect(outcome).toBe(NOT_AUTHORIZED);
    } finally {
      await publisher.endAsync();
    }
    // A later public message shows that the broker has handled the forged one before it.
    const laterTime = await publishReading('gauge-public', 42);
    await waitUntil(
      'message of the later public reading',
      async () => received.filter((entry) => entry.body.phenomenonTime === laterTime),
      (messages) => messages.length > 0,
      WAIT_MS,
    );

    expect(received.filter((entry) => entry.body.result === -1)).toEqual([]);
  });
});
