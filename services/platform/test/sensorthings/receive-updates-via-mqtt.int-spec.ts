import { type MqttClient, connectAsync } from 'mqtt';
import type { RunningPlatform } from '../../src/platform';
import { applyCatalog, getJson, startTestPlatform, waitFor } from '../helpers';

/**
 * Conformance class "Receiving updates via MQTT" of SensorThings 1.1
 * (http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt), requirement
 * receive-updates, for its Observations-of-a-Datastream topic, against the embedded
 * platform: a device publishes a reading, and subscribers receive the stored observation.
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
things:
  - { tenant: darmstadt, id: luisenplatz, name: Luisenplatz, useCase: weather, location: { type: Point, coordinates: [8.6512, 49.8728] } }
devices:
  - { tenant: darmstadt, id: thermo-public, type: thermo, thing: luisenplatz, classification: public }
  - { tenant: darmstadt, id: thermo-internal, type: thermo, thing: luisenplatz, classification: internal }
`;

const PUBLIC_TOPIC = "v1.1/tenants/darmstadt/Datastreams('thermo-public.temperature')/Observations";
const INTERNAL_TOPIC = "v1.1/tenants/darmstadt/Datastreams('thermo-internal.temperature')/Observations";
/** SUBACK return code of a rejected subscription in MQTT 3.1.1. */
const SUBACK_FAILURE = 128;

interface Received {
  topic: string;
  body: Record<string, any>;
}

describe('receive-updates-via-mqtt on the embedded platform', () => {
  let platform: RunningPlatform;
  let cleanup: () => void;
  let deviceToken: string;
  const clients: MqttClient[] = [];
  /** Distinct phenomenon times, one minute apart and in the past, so no reading is rejected as future. */
  let nextTimeMs = Math.floor(Date.now() / 60_000) * 60_000 - 600 * 60_000;

  beforeAll(async () => {
    ({ platform, cleanup } = await startTestPlatform());
    await applyCatalog(platform, CATALOG);
    deviceToken = await platform.issueToken('darmstadt', ['device'], 'thermo');
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.endAsync(true)));
    await platform?.stop();
    cleanup?.();
  });

  /** Connects a subscriber; without a token it logs in anonymously (no user name, no password). */
  async function subscriber(token?: string): Promise<{ client: MqttClient; received: Received[] }> {
    const client = await connectAsync(platform.mqttUrl, {
      ...(token === undefined ? {} : { username: 'sta-client', password: token }),
      reconnectPeriod: 0,
    });
    clients.push(client);
    const received: Received[] = [];
    client.on('message', (topic, payload) =>
      received.push({ topic, body: JSON.parse(payload.toString('utf8')) }),
    );

    return { client, received };
  }

  /** Subscribes and returns the SUBACK return code: the granted QoS, or 128 when rejected. */
  async function grantedQos(client: MqttClient, topic: string): Promise<number> {
    try {
      const [grant] = await client.subscribeAsync(topic, { qos: 0 });

      return grant.qos;
    } catch (error) {
      // mqtt.js rejects the promise of a rejected subscription and attaches the SUBACK packet.
      const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
      if (granted === undefined) {
        throw error;
      }

      return granted[0];
    }
  }

  /** Publishes one reading as the device over MQTT and returns its phenomenon time. */
  async function publishReading(device: string, temperature: number): Promise<string> {
    const time = new Date(nextTimeMs).toISOString();
    nextTimeMs += 60_000;
    const client = await connectAsync(platform.mqttUrl, {
      username: device,
      password: deviceToken,
      reconnectPeriod: 0,
    });
    try {
      await client.publishAsync(`stadtdaten/darmstadt/${device}/up`, JSON.stringify({ time, temperature }), {
        qos: 1,
      });
    } finally {
      await client.endAsync();
    }

    return time;
  }

  function messageAt(received: Received[], topic: string, phenomenonTime: string) {
    return async () =>
      received.find((message) => message.topic === topic && message.body.phenomenonTime === phenomenonTime);
  }

  it('receive-updates: delivers the stored observation of a public datastream as STA JSON', async () => {
    const { client, received } = await subscriber();
    expect(await grantedQos(client, PUBLIC_TOPIC)).toBe(0);

    const phenomenonTime = await publishReading('thermo-public', 21.5);
    const message = await waitFor(
      messageAt(received, PUBLIC_TOPIC, phenomenonTime),
      (found) => found !== undefined,
    );

    const observation = message!.body;
    expect(observation.result).toBe(21.5);
    expect(observation.phenomenonTime).toBe(phenomenonTime);
    expect(observation.resultTime).toBe(phenomenonTime);
    expect(observation['@iot.id']).toBe(`thermo-public.temperature@${Date.parse(phenomenonTime)}`);
    expect(observation['@iot.selfLink']).toBe(
      `${platform.httpUrl}/sta/v1.1/tenants/darmstadt/Observations('${observation['@iot.id']}')`,
    );
    const rest = await getJson(platform, new URL(observation['@iot.selfLink']).pathname);
    expect(rest.status).toBe(200);
    expect(observation).toEqual(rest.body);
  });

  it('receive-updates: delivers the dashboard tenant on the topic without tenant', async () => {
    const topic = "v1.1/Datastreams('thermo-public.temperature')/Observations";
    const { client, received } = await subscriber();
    expect(await grantedQos(client, topic)).toBe(0);

    const phenomenonTime = await publishReading('thermo-public', 18);
    const message = await waitFor(messageAt(received, topic, phenomenonTime), (found) => found !== undefined);

    expect(message!.body.result).toBe(18);
    expect(message!.body['@iot.selfLink']).toContain('/sta/v1.1/tenants/darmstadt/');
  });

  it('rejects anonymous subscriptions to internal datastreams', async () => {
    const { client } = await subscriber();

    expect(await grantedQos(client, INTERNAL_TOPIC)).toBe(SUBACK_FAILURE);
    expect(
      await grantedQos(client, "v1.1/tenants/darmstadt/Datastreams('no-such.temperature')/Observations"),
    ).toBe(SUBACK_FAILURE);
    expect(
      await grantedQos(client, 'v1.1/tenants/darmstadt/Datastreams(thermo-public.temperature)/Observations'),
    ).toBe(SUBACK_FAILURE);
  });

  it('delivers an internal datastream only to clients of its tenant', async () => {
    const member = await subscriber(await platform.issueToken('darmstadt', ['analyst']));
    const anonymous = await subscriber();
    const otherTenant = await subscriber(await platform.issueToken('heag', ['tenant-admin']));
    expect(await grantedQos(member.client, INTERNAL_TOPIC)).toBe(0);
    expect(await grantedQos(otherTenant.client, INTERNAL_TOPIC)).toBe(SUBACK_FAILURE);
    for (const { client } of [member, anonymous, otherTenant]) {
      expect(await grantedQos(client, 'v1.1/tenants/darmstadt/#')).toBe(0);
    }

    // The internal reading goes first, so it would reach every wildcard subscriber before the public one.
    const internalTime = await publishReading('thermo-internal', 5);
    const publicTime = await publishReading('thermo-public', 6);
    await waitFor(messageAt(member.received, PUBLIC_TOPIC, publicTime), (found) => found !== undefined);
    await waitFor(messageAt(anonymous.received, PUBLIC_TOPIC, publicTime), (found) => found !== undefined);
    await waitFor(messageAt(otherTenant.received, PUBLIC_TOPIC, publicTime), (found) => found !== undefined);

    expect(await messageAt(member.received, INTERNAL_TOPIC, internalTime)()).toMatchObject({
      body: { result: 5 },
    });
    expect(anonymous.received.filter((message) => message.topic === INTERNAL_TOPIC)).toEqual([]);
    expect(otherTenant.received.filter((message) => message.topic === INTERNAL_TOPIC)).toEqual([]);
  });

  it('rejects a publish from an anonymous client', async () => {
    const { client } = await subscriber();
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));

    client.publish('stadtdaten/darmstadt/thermo-public/up', JSON.stringify({ temperature: 1 }), { qos: 1 });

    await expect(closed).resolves.toBeUndefined();
  });

  it('counts published messages in /metrics', async () => {
    const response = await fetch(`${platform.httpUrl}/metrics`);
    const text = await response.text();

    const published = Number(/^stadtdaten_sta_mqtt_published_total (\d+)/m.exec(text)?.[1]);
    expect(published).toBeGreaterThanOrEqual(4);
    expect(text).toMatch(/^# TYPE stadtdaten_sta_mqtt_dropped_total counter/m);
  });
});
