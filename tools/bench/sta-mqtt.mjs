// Ingest throughput of the embedded platform with and without SensorThings MQTT subscribers.
// Starts the platform in a child process with 100 public devices and runs three scenarios of
// --count readings each (default 50,000) at MQTT QoS 1 over 10 connections (tools/bench/publisher.mjs):
//   1. no subscriber under v1.1/, so the publisher reads nothing back;
//   2. one anonymous subscriber to v1.1/# that reads every message;
//   3. that reader plus one subscriber to v1.1/# that stops reading its socket.
// For each it prints readings/s from the first publish until the storage writer stored the last
// reading, the PUBACK median, the messages the reader got, the drops counted in /metrics, and
// the 1-minute load average before the scenario.
// With --rate the publisher sends at that many readings/s instead of as fast as it can.
// Usage: node tools/build.mjs --no-typecheck && node tools/bench/sta-mqtt.mjs [--count N] [--rate R]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { issueToken, startEmbeddedPlatform } from './embedded-platform.mjs';

const { values } = parseArgs({
  options: { count: { type: 'string', default: '50000' }, rate: { type: 'string' } },
});
const root = resolve(import.meta.dirname, '..', '..');
const DEVICES = 100;
const COUNT = Number(values.count);
const TIMEOUT_MS = 10 * 60_000;

const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-bench-sta-'));
const env = {
  ...process.env,
  LANG: 'en_US.UTF-8',
  STADTDATEN_LOG_LEVEL: 'warn',
  STADTDATEN_DATA_DIR: dataDir,
  STADTDATEN_ANALYTICS: 'false',
};

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function startPlatform() {
  return startEmbeddedPlatform(env);
}

function token(tenant, role) {
  return issueToken(env, tenant, role);
}

async function applyCatalog(httpUrl) {
  const catalog = {
    tenants: [{ id: 'bench', name: 'Benchmark' }],
    observedProperties: [
      {
        id: 'air_temperature',
        name: 'Air temperature',
        definition: 'http://vocabs.lter-europe.net/EnvThes/22035',
      },
    ],
    deviceTypes: [
      {
        id: 'bench-thermometer',
        tenant: 'bench',
        name: 'Benchmark thermometer',
        payloadFormat: 'json',
        fields: [
          {
            field: 'temperature',
            observedProperty: 'air_temperature',
            unit: 'Cel',
            type: 'number',
            min: -50,
            max: 60,
          },
        ],
      },
    ],
    things: [
      {
        tenant: 'bench',
        id: 'site',
        name: 'Site',
        useCase: 'weather',
        location: { type: 'Point', coordinates: [8.65, 49.87] },
      },
    ],
    devices: Array.from({ length: DEVICES }, (_, i) => ({
      tenant: 'bench',
      id: `bench-${i}`,
      type: 'bench-thermometer',
      thing: 'site',
      classification: 'public',
    })),
  };
  const response = await fetch(`${httpUrl}/api/v1/catalog`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token('bench', 'platform-admin')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(catalog),
  });
  if (!response.ok) {
    throw new Error(`catalog rejected: ${await response.text()}`);
  }
}

async function metrics(httpUrl) {
  return (await fetch(`${httpUrl}/metrics`)).text();
}

function metricValue(text, name, labels = []) {
  const line = text
    .split('\n')
    .find(
      (l) =>
        (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.every((label) => l.includes(label)),
    );

  return line ? Number(line.split(' ').at(-1)) : 0;
}

const stored = (text) =>
  metricValue(text, 'stadtdaten_messages_out_total', ['service="storage-writer"', 'kind="observations"']);
const dropped = (text) =>
  Object.fromEntries(
    ['queue_full', 'stale', 'not_stored', 'broker_unavailable', 'subscriber_backlog'].map((reason) => [
      reason,
      metricValue(text, 'stadtdaten_sta_mqtt_dropped_total', [`reason="${reason}"`]),
    ]),
  );

async function waitUntil(condition, goal) {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`${goal} not reached within ${TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return Date.now();
}

function publish(mqttUrl, timeBaseMs) {
  const args = [
    '--url',
    mqttUrl,
    '--token',
    token('bench', 'device'),
    '--devices',
    String(DEVICES),
    '--count',
    String(COUNT),
  ];
  const rate = values.rate === undefined ? [] : ['--rate', values.rate];
  const child = spawn(process.execPath, [
    join(root, 'tools', 'bench', 'publisher.mjs'),
    ...args,
    ...rate,
    '--connections',
    '10',
    '--time-base-ms',
    String(timeBaseMs),
  ]);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));

  return new Promise((resolveResult, reject) =>
    child.on('exit', (code) =>
      code === 0 ? resolveResult(JSON.parse(output)) : reject(new Error(`publisher exited with ${code}`)),
    ),
  );
}

async function subscriber(mqttUrl) {
  const client = await mqtt.connectAsync(mqttUrl, { reconnectPeriod: 0 });
  const counter = { client, received: 0, lastAtMs: 0 };
  client.on('message', () => {
    counter.received += 1;
    counter.lastAtMs = Date.now();
  });
  await client.subscribeAsync('v1.1/#', { qos: 0 });

  return counter;
}

async function scenario(platform, name, timeBaseMs, subscribers) {
  const loadBefore = Number(loadavg()[0].toFixed(1));
  const before = await metrics(platform.http);
  const result = await publish(platform.mqtt, timeBaseMs);
  const storedAtMs = await waitUntil(
    async () => stored(await metrics(platform.http)) >= stored(before) + COUNT,
    'all readings stored',
  );
  const reader = subscribers.reader;
  if (reader !== undefined) {
    // The publisher reads each observation back from the store, so its messages trail the storage writer.
    await waitUntil(async () => reader.received >= COUNT || Date.now() - storedAtMs > 30_000, 'reader done');
  }
  const after = await metrics(platform.http);
  const dropsBefore = dropped(before);
  const seconds = (storedAtMs - result.startedAtMs) / 1000;
  const row = {
    scenario: name,
    readingsPerSecond: Math.round(COUNT / seconds),
    pubackP50Ms: Number(result.pubackP50Ms?.toFixed(1)),
    readerReceived: reader?.received ?? null,
    readerLagMs: reader === undefined ? null : Math.max(0, reader.lastAtMs - storedAtMs),
    published:
      metricValue(after, 'stadtdaten_sta_mqtt_published_total') -
      metricValue(before, 'stadtdaten_sta_mqtt_published_total'),
    dropped: Object.fromEntries(
      Object.entries(dropped(after)).map(([reason, value]) => [reason, value - dropsBefore[reason]]),
    ),
    loadAverageBefore: loadBefore,
  };
  log(JSON.stringify(row));

  return row;
}

const platform = await startPlatform();
const rows = [];
try {
  await applyCatalog(platform.http);
  log(
    `platform started, ${DEVICES} devices, ${COUNT} readings per scenario at ${values.rate ?? 'full'} readings/s, ${cpus().length} cores (${cpus()[0].model})`,
  );

  rows.push(await scenario(platform, 'no subscriber', Date.UTC(2025, 0, 1), {}));

  const reader = await subscriber(platform.mqtt);
  rows.push(await scenario(platform, 'one reading subscriber', Date.UTC(2025, 2, 1), { reader }));

  reader.received = 0;
  const stalled = await subscriber(platform.mqtt);
  stalled.client.stream.pause();
  rows.push(await scenario(platform, 'reader and one stalled subscriber', Date.UTC(2025, 4, 1), { reader }));

  await Promise.all([reader.client.endAsync(true), stalled.client.endAsync(true)]);
} finally {
  platform.child.kill('SIGTERM');
  await new Promise((r) => platform.child.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
}

process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
