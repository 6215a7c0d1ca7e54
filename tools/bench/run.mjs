// End-to-end benchmark of the embedded platform. Starts the platform in a child process,
// registers 1,000 devices, then measures with a separate publisher process:
//   1. throughput: 200,000 readings at MQTT QoS 1, from the first publish until the storage
//      writer has stored the last one (stored = queryable in the embedded store);
//   2. latency at a fixed 5,000 readings/s for 20 s: gateway receipt to stored, from the
//      platform's histogram, and publish to PUBACK, measured by the publisher;
//   3. the platform's peak resident memory (VmHWM);
//   4. what signing costs: the throughput run again on fresh platforms, in turn with
//      STADTDATEN_SIGNING=false and with signing (SIGNING_RUN_ORDER);
//   5. daily and hourly means over a year from rollups against the raw aggregate (tools/bench/rollups.mjs).
// The analytics jobs are off in runs 1 to 4 (STADTDATEN_ANALYTICS=false), so they measure the
// ingest pipeline alone. Writes the results to BENCHMARKS.md. Usage: npm run bench
// With --analytics-cost it runs only the throughput run with analytics off and on (analytics-cost.mjs).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { measureAnalyticsCost } from './analytics-cost.mjs';
import { issueToken, startEmbeddedPlatform } from './embedded-platform.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const DEVICES = 1000;
const THROUGHPUT_READINGS = 200_000;
const LATENCY_RATE = 5000;
const LATENCY_SECONDS = 20;
const TIMEOUT_MS = 10 * 60_000;
/** Signing setting of each throughput run after the first, which signs; alternating evens out drift. */
const SIGNING_RUN_ORDER = [false, true, false];
const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());

const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-bench-'));
const env = { ...process.env, LANG: 'en_US.UTF-8', STADTDATEN_LOG_LEVEL: 'warn', STADTDATEN_DATA_DIR: dataDir, STADTDATEN_ANALYTICS: 'false' };

function log(message) {
  process.stderr.write(`[bench] ${message}\n`);
}

function startPlatform(extraEnv = {}) {
  return startEmbeddedPlatform({ ...env, ...extraEnv });
}

function token(tenant, role) {
  return issueToken(env, tenant, role);
}

async function applyBenchCatalog(httpUrl) {
  const catalog = {
    tenants: [{ id: 'bench', name: 'Benchmark' }],
    observedProperties: [{ id: 'air_temperature', name: 'Air temperature', definition: 'http://vocabs.lter-europe.net/EnvThes/22035' }],
    deviceTypes: [
      {
        id: 'bench-thermometer',
        tenant: 'bench',
        name: 'Benchmark thermometer',
        payloadFormat: 'json',
        fields: [{ field: 'temperature', observedProperty: 'air_temperature', unit: 'Cel', type: 'number', min: -50, max: 60 }],
      },
    ],
    things: Array.from({ length: 10 }, (_, i) => ({
      tenant: 'bench',
      id: `site-${i}`,
      name: `Site ${i}`,
      useCase: 'weather',
      location: { type: 'Point', coordinates: [8.65 + i / 1000, 49.87] },
    })),
    devices: Array.from({ length: DEVICES }, (_, i) => ({ tenant: 'bench', id: `bench-${i}`, type: 'bench-thermometer', thing: `site-${i % 10}` })),
  };
  const response = await fetch(`${httpUrl}/api/v1/catalog`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token('bench', 'platform-admin')}`, 'content-type': 'application/json' },
    body: JSON.stringify(catalog),
  });
  if (!response.ok) {
    throw new Error(`catalog rejected: ${await response.text()}`);
  }
}

async function metrics(httpUrl) {
  return (await fetch(`${httpUrl}/metrics`)).text();
}

function metricValue(text, name, labels) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && labels.every((label) => l.includes(label)));

  return line ? Number(line.split(' ').at(-1)) : 0;
}

function histogram(text, name, label) {
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name}_bucket{`) && l.includes(label))
    .map((l) => ({ le: Number(/le="([^"]+)"/.exec(l)[1].replace('+Inf', 'Infinity')), count: Number(l.split(' ').at(-1)) }));
}

/** Quantile from the difference of two cumulative histograms, interpolated inside the bucket. */
function histogramQuantile(before, after, q) {
  const buckets = after.map((bucket, i) => ({ le: bucket.le, count: bucket.count - (before[i]?.count ?? 0) }));
  const total = buckets.at(-1).count;
  const target = q * total;
  let lower = 0;
  let previous = 0;
  for (const bucket of buckets) {
    if (bucket.count >= target) {
      const upper = Number.isFinite(bucket.le) ? bucket.le : lower;
      const share = bucket.count === previous ? 0 : (target - previous) / (bucket.count - previous);

      return (lower + (upper - lower) * share) * 1000;
    }
    lower = bucket.le;
    previous = bucket.count;
  }

  return null;
}

const stored = (text) => metricValue(text, 'stadtdaten_messages_out_total', ['service="storage-writer"', 'kind="observations"']);

async function waitForStored(httpUrl, target) {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = stored(await metrics(httpUrl));
    if (value >= target) {
      return Date.now();
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${value} of ${target} readings stored within ${TIMEOUT_MS} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function publish(mqttUrl, args) {
  const child = spawn(process.execPath, [join(root, 'tools', 'bench', 'publisher.mjs'), '--url', mqttUrl, '--token', token('bench', 'device'), ...args]);
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => process.stderr.write(chunk));

  return new Promise((resolveResult, reject) =>
    child.on('exit', (code) => (code === 0 ? resolveResult(JSON.parse(output)) : reject(new Error(`publisher exited with ${code}`)))),
  );
}

// Signing time per stage in a CPU profile (node --cpu-prof) of one signed throughput run,
// written by hand from the profile. Rerun the profile when the signing code changes.
const SIGNING_PROFILE = `A CPU profile of one signed throughput run (\`node --cpu-prof\`, 200,000 readings, 2026-12-05)
attributes about 2.6 s of the worker thread to signing: 1.1 s in the validator (canonical
encoding and SHA-256 of each leaf 0.6 s, Merkle tree 0.3 s, the Ed25519 signature per batch
under 0.1 s) and 1.5 s in the storage writer (signed fields per batch and the index from
observation id to leaf, both in the signature store's SQLite file). Storing the signed batches
themselves takes 0.1 s, because the signatures event carries the whole tree. Before the event
log kept its records in a rowid table, appending the 200 signatures records of about 86 KB each
took another 1.9 s.`;

/** User and system CPU seconds a process has used so far, all its threads together (Linux /proc). */
function cpuSeconds(pid) {
  // Fields 14 and 15 of /proc/<pid>/stat, counted after the command name, which may contain spaces.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');

  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function stageSeconds(text) {
  const services = ['validator', 'storage-writer'];

  return Object.fromEntries(services.map((s) => [s, metricValue(text, 'stadtdaten_batch_duration_seconds_sum', [`service="${s}"`])]));
}

if (process.argv.includes('--analytics-cost')) {
  const helpers = { startPlatform, applyBenchCatalog, publish, metrics, metricValue, log };
  try {
    await measureAnalyticsCost({ ...helpers, env, root, devices: DEVICES, readings: THROUGHPUT_READINGS });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  process.exit(0);
}

const platform = await startPlatform();
try {
  await applyBenchCatalog(platform.http);
  log('platform started, catalog applied');

  const before = stored(await metrics(platform.http));
  const cpuBefore = cpuSeconds(platform.child.pid);
  const throughputRun = publish(platform.mqtt, ['--devices', String(DEVICES), '--count', String(THROUGHPUT_READINGS), '--connections', '20']);
  const throughputResult = await throughputRun;
  const storedAtMs = await waitForStored(platform.http, before + THROUGHPUT_READINGS);
  const throughputCpuSeconds = cpuSeconds(platform.child.pid) - cpuBefore;
  const throughputSeconds = (storedAtMs - throughputResult.startedAtMs) / 1000;
  const afterThroughput = await metrics(platform.http);
  log(`throughput: ${Math.round(THROUGHPUT_READINGS / throughputSeconds)} readings/s`);

  const latencyCount = LATENCY_RATE * LATENCY_SECONDS;
  const latencyBefore = histogram(afterThroughput, 'stadtdaten_pipeline_latency_seconds', 'store="observations"');
  const latencyResult = await publish(platform.mqtt, [
    '--devices', String(DEVICES), '--count', String(latencyCount), '--connections', '10', '--rate', String(LATENCY_RATE),
    '--time-base-ms', String(Date.UTC(2025, 6, 1)),
  ]);
  await waitForStored(platform.http, before + THROUGHPUT_READINGS + latencyCount);
  const afterLatency = await metrics(platform.http);
  const latencyAfter = histogram(afterLatency, 'stadtdaten_pipeline_latency_seconds', 'store="observations"');
  const achievedRate = latencyCount / ((latencyResult.finishedAtMs - latencyResult.startedAtMs) / 1000);
  const peakRssMiB = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${platform.child.pid}/status`, 'utf8'))[1]) / 1024;
  const stages = stageSeconds(afterThroughput);

  platform.child.kill('SIGTERM');
  await new Promise((r) => platform.child.once('exit', r));
  const signingRuns = [
    {
      signing: true,
      readingsPerSecond: Math.round(THROUGHPUT_READINGS / throughputSeconds),
      cpuSeconds: Number(throughputCpuSeconds.toFixed(1)),
      validatorBusySeconds: Number(stages.validator.toFixed(1)),
      storageWriterBusySeconds: Number(stages['storage-writer'].toFixed(1)),
    },
  ];
  for (const signing of SIGNING_RUN_ORDER) {
    const run = await throughputOnFreshPlatform(signing);
    log(`throughput ${signing ? 'with' : 'without'} signing: ${run.readingsPerSecond} readings/s`);
    signingRuns.push(run);
  }

  const results = {
    signingRuns,
    throughputCpuSeconds: Number(throughputCpuSeconds.toFixed(1)),
    throughputReadingsPerSecond: Math.round(THROUGHPUT_READINGS / throughputSeconds),
    throughputSeconds: Number(throughputSeconds.toFixed(1)),
    throughputPubackP50Ms: Number(throughputResult.pubackP50Ms?.toFixed(1)),
    throughputPubackP99Ms: Number(throughputResult.pubackP99Ms?.toFixed(1)),
    latencyRate: Math.round(achievedRate),
    latencyP50Ms: Number(histogramQuantile(latencyBefore, latencyAfter, 0.5)?.toFixed(0)),
    latencyP99Ms: Number(histogramQuantile(latencyBefore, latencyAfter, 0.99)?.toFixed(0)),
    latencyPubackP50Ms: Number(latencyResult.pubackP50Ms?.toFixed(1)),
    latencyPubackP99Ms: Number(latencyResult.pubackP99Ms?.toFixed(1)),
    peakRssMiB: Math.round(peakRssMiB),
    validatorBusySeconds: Number(stages.validator.toFixed(1)),
    storageWriterBusySeconds: Number(stages['storage-writer'].toFixed(1)),
  };
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(root, 'BENCHMARKS.md'), `${report(results).trimEnd()}\n${productionSection()}`);
  log('results written to BENCHMARKS.md');
  log('rollups: daily and hourly means over a year');
  execFileSync(process.execPath, [join(root, 'tools', 'bench', 'rollups.mjs'), '--write'], { stdio: ['ignore', 'inherit', 'inherit'] });
} finally {
  if (platform.child.exitCode === null) {
    platform.child.kill('SIGTERM');
    await new Promise((r) => platform.child.once('exit', r));
  }
  rmSync(dataDir, { recursive: true, force: true });
}

/** Runs the throughput run on a fresh platform with or without signing, in a data folder of its own. */
async function throughputOnFreshPlatform(signing) {
  const runDir = mkdtempSync(join(tmpdir(), 'stadtdaten-bench-signing-'));
  env.STADTDATEN_DATA_DIR = runDir;
  const second = await startPlatform({ STADTDATEN_SIGNING: String(signing) });
  try {
    await applyBenchCatalog(second.http);
    const cpuBefore = cpuSeconds(second.child.pid);
    const result = await publish(second.mqtt, ['--devices', String(DEVICES), '--count', String(THROUGHPUT_READINGS), '--connections', '20']);
    const storedAtMs = await waitForStored(second.http, THROUGHPUT_READINGS);
    const cpu = cpuSeconds(second.child.pid) - cpuBefore;
    const stages = stageSeconds(await metrics(second.http));

    return {
      signing,
      readingsPerSecond: Math.round(THROUGHPUT_READINGS / ((storedAtMs - result.startedAtMs) / 1000)),
      cpuSeconds: Number(cpu.toFixed(1)),
      validatorBusySeconds: Number(stages.validator.toFixed(1)),
      storageWriterBusySeconds: Number(stages['storage-writer'].toFixed(1)),
    };
  } finally {
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    env.STADTDATEN_DATA_DIR = dataDir;
    rmSync(runDir, { recursive: true, force: true });
  }
}

/** Returns the sections that other benchmark scripts wrote (production mode, portal, export, rollups), unchanged. */
function productionSection() {
  // Sections that this script writes; every other section of BENCHMARKS.md comes from another script.
  const ownSections = new Set(['## End-to-end ingest (embedded platform)', '## What signing costs', '## Where the time goes']);
  let markdown = '';
  try {
    markdown = readFileSync(join(root, 'BENCHMARKS.md'), 'utf8');
  } catch {
    return '';
  }
  const kept = [];
  let keeping = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      keeping = !ownSections.has(line.trim());
    } else if (line.startsWith('# ')) {
      keeping = false;
    }
    if (keeping) {
      kept.push(line);
    }
  }

  return kept.length === 0 ? '' : `\n${kept.join('\n').trimEnd()}\n`;
}

/** Mean of `key` over the signed runs against the unsigned ones, as a percentage by `compare(on, off)`. */
function signingCost(runs, key, compare) {
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const on = mean(runs.filter((run) => run.signing).map((run) => run[key]));
  const off = mean(runs.filter((run) => !run.signing).map((run) => run[key]));

  return (100 * compare(on, off)).toFixed(1);
}

function report(r) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);

  return `# Benchmarks

Measured by \`npm run bench\` (tools/bench/run.mjs) on ${date}, on ${cpus().length} cores (${cpu}),
${Math.round(totalmem() / 2 ** 30)} GiB memory, Node.js ${process.version}. The platform runs in one process on
the embedded adapters (\`stadtdaten start --no-demo\`, log level warn) with the analytics jobs off
(\`STADTDATEN_ANALYTICS=false\`); a separate publisher process sends plain JSON readings at MQTT
QoS 1 for 1,000 registered devices, one reading per message.

## End-to-end ingest (embedded platform)

| measurement | result | aim |
|---|---|---|
| throughput: ${THROUGHPUT_READINGS.toLocaleString('en')} readings, first publish to last reading stored | **${r.throughputReadingsPerSecond.toLocaleString('en')} readings/s** (${r.throughputSeconds} s) | ≥ 20,000 readings/s |
| publish to PUBACK (durable in the event log) during the throughput run, p50 / p99 | ${r.throughputPubackP50Ms} ms / ${r.throughputPubackP99Ms} ms | |
| latency at a fixed rate of ${LATENCY_RATE.toLocaleString('en')} readings/s (achieved ${r.latencyRate.toLocaleString('en')}/s, ${LATENCY_SECONDS} s): gateway receipt to stored, p50 / p99 | **${r.latencyP50Ms} ms / ${r.latencyP99Ms} ms** | p99 < 500 ms |
| publish to PUBACK at ${LATENCY_RATE.toLocaleString('en')} readings/s, p50 / p99 | ${r.latencyPubackP50Ms} ms / ${r.latencyPubackP99Ms} ms | |
| peak resident memory of the platform process (VmHWM) | ${r.peakRssMiB} MiB | |


Stored means written to the embedded time-series store, which is what the REST API reads, so
a stored reading is queryable. The latency quantiles come from the platform's histogram
\`stadtdaten_pipeline_latency_seconds\` (bucket bounds 5 ms to 30 s, interpolated within a bucket);
PUBACK times are exact, measured by the publisher for every tenth message.

## What signing costs

The validator signs every observation (a Merkle tree per batch of at most 1,000, its root signed
with Ed25519) and publishes the signed batch with its tree on the tenant's signatures topic. The
storage writer stores the batch, and per observation the signed fields it takes from the
observation event. The throughput run above, and then the same run on fresh platforms in turn with
\`STADTDATEN_SIGNING=false\` and with signing:

| run | signing | throughput | CPU time of the platform process (all threads) | validator busy | storage writer busy |
|---|---|---|---|---|---|
${r.signingRuns.map((run, index) => `| ${index + 1} | ${run.signing ? 'on' : 'off'} | ${run.readingsPerSecond.toLocaleString('en')} readings/s | ${run.cpuSeconds} s | ${run.validatorBusySeconds} s | ${run.storageWriterBusySeconds} s |`).join('\n')}

Busy means the time inside the batch handlers (\`stadtdaten_batch_duration_seconds_sum\`). Mean
throughput with signing is ${signingCost(r.signingRuns, 'readingsPerSecond', (on, off) => 1 - on / off)} % below the runs without (aim: at most 10 %), and the
platform used ${signingCost(r.signingRuns, 'cpuSeconds', (on, off) => on / off - 1)} % more CPU time. All runs share the two cores with the publisher, so
differences of a few per cent are within the run-to-run spread.

${SIGNING_PROFILE}

## Where the time goes

The platform runs MQTT, the ingest gateway and HTTP on the main thread and the validator
and the storage writer in one worker thread; the publisher is a third busy process on the
same two cores. During the throughput run the validator spent ${r.validatorBusySeconds} s and the storage
writer ${r.storageWriterBusySeconds} s inside their batch handlers (\`stadtdaten_batch_duration_seconds_sum\`,
waits for the event log's group commit included). A CPU profile of a signed 200,000-reading
run (\`node --cpu-prof\`) showed the worker thread about 83 % busy, most of it in SQLite
transactions (event-log reads and appends, time-series upserts), protobuf encoding and
decoding, and garbage collection; the main thread about 51 % busy with MQTT packet
handling, raw-message encoding and event-log appends; the publisher took most of a core.
So on this machine the test is bound by the two cores that the publisher, the broker and
the pipeline share.
`;
}
