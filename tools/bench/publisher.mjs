// Benchmark publisher: a separate process that publishes JSON readings at MQTT QoS 1 over
// several connections and reports its timing as one JSON line on stdout.
// Usage: node publisher.mjs --url mqtt://127.0.0.1:1883 --token T --tenant bench
//          --devices 1000 --count 200000 --connections 20 [--rate 5000] [--window 400]
//          [--time-base-ms N]
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    tenant: { type: 'string', default: 'bench' },
    devices: { type: 'string', default: '1000' },
    count: { type: 'string', default: '200000' },
    connections: { type: 'string', default: '20' },
    rate: { type: 'string' },
    window: { type: 'string', default: '400' },
    'time-base-ms': { type: 'string', default: String(Date.UTC(2025, 0, 1)) },
    'max-seconds': { type: 'string', default: '600' },
  },
});

const devices = Number(values.devices);
const count = Number(values.count);
const connections = Number(values.connections);
const rate = values.rate === undefined ? undefined : Number(values.rate);
const window = Number(values.window);
const timeBaseMs = Number(values['time-base-ms']);
const deadline = Date.now() + Number(values['max-seconds']) * 1000;

const clients = await Promise.all(
  Array.from({ length: connections }, (_, index) =>
    mqtt.connectAsync(values.url, {
      username: 'bench',
      password: values.token,
      clientId: `bench-${process.pid}-${index}`,
      reconnectPeriod: 0,
    }),
  ),
);

const ackLatenciesMs = [];
let acknowledged = 0;
let failed = 0;
const startedAtMs = Date.now();

/** Publishes readings i, i + connections, i + 2·connections, … on one connection. */
async function run(client, first) {
  const inFlight = new Set();
  for (let i = first; i < count && Date.now() < deadline; i += connections) {
    if (rate !== undefined) {
      const dueMs = startedAtMs + (i * 1000) / rate;
      const waitMs = dueMs - Date.now();
      if (waitMs > 0) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
    while (inFlight.size >= window) {
      await Promise.race(inFlight);
    }
    const device = i % devices;
    const sequence = Math.floor(i / devices);
    const payload = JSON.stringify({ time: timeBaseMs + sequence * 1000, temperature: 15 + (i % 200) / 10 });
    const sentAtMs = performance.now();
    const publish = client
      .publishAsync(`stadtdaten/${values.tenant}/bench-${device}/up`, payload, { qos: 1 })
      .then(
        () => {
          acknowledged++;
          if (i % 10 === 0) ackLatenciesMs.push(performance.now() - sentAtMs);
        },
        () => failed++,
      )
      .finally(() => inFlight.delete(publish));
    inFlight.add(publish);
  }
  await Promise.all(inFlight);
}

await Promise.all(clients.map((client, index) => run(client, index)));
const finishedAtMs = Date.now();
await Promise.all(clients.map((client) => client.endAsync()));

ackLatenciesMs.sort((a, b) => a - b);
const quantile = (q) => ackLatenciesMs[Math.min(ackLatenciesMs.length - 1, Math.floor(q * ackLatenciesMs.length))] ?? null;
process.stdout.write(
  JSON.stringify({
    startedAtMs,
    finishedAtMs,
    acknowledged,
    failed,
    pubackP50Ms: quantile(0.5),
    pubackP99Ms: quantile(0.99),
  }) + '\n',
);
