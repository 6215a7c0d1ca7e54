// Mosquitto alone: the TLS publisher process (one connection per device certificate) publishes
// at QoS 1 below `stadtdaten/<tenant>/<device>/mqtt-bench`, a topic the ingest gateway does not
// subscribe to, and one subscriber with the gateway's certificate counts what it receives.
import { readFileSync } from 'node:fs';
import mqtt from 'mqtt';
import { runPublisher } from './children.mjs';
import { round } from './metrics.mjs';

const TOPIC_SUFFIX = 'mqtt-bench';
/** Time the subscriber keeps waiting for missing messages after the publisher finished. */
const DRAIN_MS = 15_000;

/** Subscribes at QoS 1 with the gateway's client certificate and a clean session. */
async function subscribe(env, clientId, filter, onMessage) {
  const client = await mqtt.connectAsync(env.STADTDATEN_MQTT_URL, {
    ca: readFileSync(env.STADTDATEN_MQTT_CA_FILE),
    cert: readFileSync(env.STADTDATEN_MQTT_CERT_FILE),
    key: readFileSync(env.STADTDATEN_MQTT_KEY_FILE),
    clientId,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 30_000,
  });
  client.on('message', onMessage);
  const [granted] = await client.subscribeAsync(filter, { qos: 1 });
  if (granted.qos !== 1) {
    await client.endAsync(true);
    throw new Error(
      `Mosquitto granted QoS ${granted.qos} instead of 1 for ${filter} to the gateway certificate`,
    );
  }

  return client;
}

async function waitForMessages(received, count) {
  const deadline = Date.now() + DRAIN_MS;
  while (received() < count && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Returns messages received per second, from the publisher's first publish to the last message received. */
export async function measureMosquitto({ root, env, tenant, devices, certDir, messages, timeoutMs }) {
  let received = 0;
  let lastReceivedAtMs = 0;
  const subscriber = await subscribe(
    env,
    `${tenant}-subscriber`,
    `stadtdaten/${tenant}/+/${TOPIC_SUFFIX}`,
    () => {
      received += 1;
      lastReceivedAtMs = Date.now();
    },
  );
  try {
    const published = await runPublisher(
      root,
      {
        url: env.STADTDATEN_MQTT_URL,
        ca: env.STADTDATEN_MQTT_CA_FILE,
        'cert-dir': certDir,
        tenant,
        devices,
        count: messages,
        'topic-suffix': TOPIC_SUFFIX,
        'max-seconds': Math.floor(timeoutMs / 1000),
      },
      timeoutMs + 60_000,
    );
    await waitForMessages(() => received, published.acknowledged);
    if (received === 0) {
      throw new Error(
        `the subscriber with the gateway certificate received none of ${published.acknowledged} messages; check Mosquitto's ACL for stadtdaten-gateway`,
      );
    }
    const seconds = (lastReceivedAtMs - published.startedAtMs) / 1000;

    return {
      connections: devices,
      published: published.acknowledged,
      publishFailed: published.failed,
      received,
      seconds: Number(seconds.toFixed(2)),
      messagesPerSecond: Math.round(received / seconds),
      pubackP50Ms: round(published.pubackP50Ms),
      pubackP99Ms: round(published.pubackP99Ms),
    };
  } finally {
    await subscriber.endAsync(true);
  }
}
