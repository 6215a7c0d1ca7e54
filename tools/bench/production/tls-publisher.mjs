// Publisher of the production benchmark: one MQTT 5 connection over TLS per device, each with
// that device's client certificate (CN <tenant>/<device>), publishing JSON readings at QoS 1.
// Reading i goes to device i % devices with the time timeBase + floor(i / devices) seconds, so
// every reading of a datastream has its own time. Prints one JSON line with its timing.
// Usage: node tls-publisher.mjs --url mqtts://127.0.0.1:18883 --ca FILE --cert-dir DIR
//          --tenant bench-prod --devices 20 --count 100000 [--device-prefix bench-]
//          [--topic-suffix up] [--rate 2000] [--window 400] [--time-base-ms N] [--max-seconds 600]
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    ca: { type: 'string' },
    'cert-dir': { type: 'string' },
    tenant: { type: 'string' },
    devices: { type: 'string', default: '20' },
    'device-prefix': { type: 'string', default: 'bench-' },
    count: { type: 'string' },
    'topic-suffix': { type: 'string', default: 'up' },
    rate: { type: 'string' },
    window: { type: 'string', default: '400' },
    'time-base-ms': { type: 'string', default: String(Date.now() - 86_400_000) },
    'max-seconds': { type: 'string', default: '600' },
  },
});

const devices = Number(values.devices);
const count = Number(values.count);
const rate = values.rate === undefined ? undefined : Number(values.rate);
const window = Number(values.window);
const timeBaseMs = Number(values['time-base-ms']);
const deadline = Date.now() + Number(values['max-seconds']) * 1000;
const ca = readFileSync(values.ca);
const deviceIds = Array.from({ length: devices }, (_, i) => `${values['device-prefix']}${i}`);

const clients = await Promise.all(
  deviceIds.map((device) =>
    mqtt.connectAsync(values.url, {
      ca,
      cert: readFileSync(join(values['cert-dir'], `${device}.crt`)),
      key: readFileSync(join(values['cert-dir'], `${device}.key`)),
      clientId: `${values.tenant}-${device}-${process.pid}`,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 30_000,
    }),
  ),
);

const ackLatenciesMs = [];
let acknowledged = 0;
let failed = 0;
let firstError;
const startedAtMs = Date.now();

/** Publishes the readings of one device, keeping at most `window` unacknowledged. */
async function publishDevice(client, deviceIndex) {
  const inFlight = new Set();
  const topic = `stadtdaten/${values.tenant}/${deviceIds[deviceIndex]}/${values['topic-suffix']}`;
  for (let i = deviceIndex; i < count && Date.now() < deadline; i += devices) {
    if (rate !== undefined) {
      const waitMs = startedAtMs + (i * 1000) / rate - Date.now();
      if (waitMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    while (inFlight.size >= window) {
      await Promise.race(inFlight);
    }
    const sequence = Math.floor(i / devices);
    const payload = JSON.stringify({ time: timeBaseMs + sequence * 1000, temperature: 15 + (i % 200) / 10 });
    const sentAtMs = performance.now();
    const publish = client
      .publishAsync(topic, payload, { qos: 1 })
      .then(
        () => {
          acknowledged += 1;
          if (i % 10 === 0) ackLatenciesMs.push(performance.now() - sentAtMs);
        },
        (error) => {
          failed += 1;
          firstError ??= `${topic}: ${error.message}`;
        },
      )
      .finally(() => inFlight.delete(publish));
    inFlight.add(publish);
  }
  await Promise.all(inFlight);
}

await Promise.all(clients.map((client, index) => publishDevice(client, index)));
const finishedAtMs = Date.now();
await Promise.race([
  Promise.all(clients.map((client) => client.endAsync())),
  new Promise((resolve) => setTimeout(resolve, 10_000)),
]);

ackLatenciesMs.sort((a, b) => a - b);
const quantile = (q) =>
  ackLatenciesMs[Math.min(ackLatenciesMs.length - 1, Math.floor(q * ackLatenciesMs.length))] ?? null;
process.stdout.write(
  `${JSON.stringify({
    startedAtMs,
    finishedAtMs,
    requested: count,
    acknowledged,
    failed,
    firstError,
    pubackP50Ms: quantile(0.5),
    pubackP99Ms: quantile(0.99),
    cpuSeconds: Number(((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(2)),
  })}\n`,
);
// Connections that did not close within the wait above must not keep the process alive.
process.exit(0);
