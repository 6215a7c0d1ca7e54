// Cost of the analytics jobs for the embedded ingest: the throughput run of run.mjs, each time on
// a fresh platform with its own data folder, alternately with STADTDATEN_ANALYTICS=false and
// =true, RUNS times each. Writes the section "## What analytics costs" of BENCHMARKS.md and
// leaves every other section as it is. Usage: node tools/bench/run.mjs --analytics-cost
// [--shared-machine], where --shared-machine records that other work ran on the machine meanwhile.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = 2;
const METRICS_ATTEMPTS = 5;
const STORE_TIMEOUT_MS = 10 * 60_000;
const SECTION = '## What analytics costs';
/** The section goes before this one when BENCHMARKS.md has none yet. */
const NEXT_SECTION = '## Production mode';

/**
 * Runs the comparison with the helpers of run.mjs (`bench`) and writes the section. `bench.env`
 * is run.mjs's environment object, whose STADTDATEN_DATA_DIR also names the data folder for tokens.
 */
export async function measureAnalyticsCost(bench) {
  const runs = [];
  for (let index = 0; index < RUNS; index += 1) {
    for (const analytics of [false, true]) {
      const run = await throughputRun(bench, analytics);
      bench.log(`analytics ${analytics ? 'on' : 'off'}: ${run.readingsPerSecond} readings/s`);
      runs.push(run);
    }
  }
  process.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);

  const path = join(bench.root, 'BENCHMARKS.md');
  writeFileSync(path, replaceSection(readFileSync(path, 'utf8'), section(bench, runs)));
  bench.log('analytics cost written to BENCHMARKS.md');
}

async function throughputRun(bench, analytics) {
  const dataDir = mkdtempSync(join(tmpdir(), 'stadtdaten-bench-analytics-'));
  const previousDataDir = bench.env.STADTDATEN_DATA_DIR;
  bench.env.STADTDATEN_DATA_DIR = dataDir;
  const loadBefore = loadavg()[0];
  const platform = await bench.startPlatform({ STADTDATEN_ANALYTICS: String(analytics) });
  try {
    await bench.applyBenchCatalog(platform.http);
    const args = ['--devices', String(bench.devices), '--count', String(bench.readings), '--connections', '20'];
    const result = await bench.publish(platform.mqtt, args);
    const storedAtMs = await waitForStored(bench, platform.http);
    const text = await metricsWithRetry(bench, platform.http);

    return {
      analytics,
      readingsPerSecond: Math.round(bench.readings / ((storedAtMs - result.startedAtMs) / 1000)),
      analyticsBusySeconds: Number(bench.metricValue(text, 'stadtdaten_batch_duration_seconds_sum', ['service="analytics"']).toFixed(1)),
      analyticsLag: bench.metricValue(text, 'stadtdaten_consumer_lag', ['group="analytics"']),
      loadBefore: Number(loadBefore.toFixed(1)),
    };
  } finally {
    platform.child.kill('SIGTERM');
    await new Promise((resolve) => platform.child.once('exit', resolve));
    bench.env.STADTDATEN_DATA_DIR = previousDataDir;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Reads /metrics, with up to METRICS_ATTEMPTS requests. With the analytics jobs on, the platform
 * once reset the kept-alive connection of this request (ECONNRESET) while its main thread was busy.
 */
async function metricsWithRetry(bench, httpUrl) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await bench.metrics(httpUrl);
    } catch (error) {
      if (attempt >= METRICS_ATTEMPTS) {
        throw error;
      }
      bench.log(`metrics request failed (${error.cause?.code ?? error.message}); trying again`);
    }
  }
}

/** Waits until the storage writer has stored every reading of the run; returns that time in epoch ms. */
async function waitForStored(bench, httpUrl) {
  const deadline = Date.now() + STORE_TIMEOUT_MS;
  for (;;) {
    const text = await metricsWithRetry(bench, httpUrl);
    const stored = bench.metricValue(text, 'stadtdaten_messages_out_total', ['service="storage-writer"', 'kind="observations"']);
    if (stored >= bench.readings) {
      return Date.now();
    }
    if (Date.now() > deadline) {
      throw new Error(`only ${stored} of ${bench.readings} readings stored within ${STORE_TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function section(bench, runs) {
  const shared = process.argv.includes('--shared-machine');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const off = runs.filter((run) => !run.analytics);
  const on = runs.filter((run) => run.analytics);
  const costPercent = 100 * (1 - mean(on.map((run) => run.readingsPerSecond)) / mean(off.map((run) => run.readingsPerSecond)));
  const rows = runs.map(
    (run, index) =>
      `| ${index + 1} | ${run.analytics ? 'on' : 'off'} | ${run.readingsPerSecond.toLocaleString('en')} readings/s | ${run.analytics ? `${run.analyticsBusySeconds} s` : '–'} | ${run.analytics ? run.analyticsLag.toLocaleString('en') : '–'} | ${run.loadBefore} |`,
  );

  return `${SECTION}

Measured by \`node tools/bench/run.mjs --analytics-cost${shared ? ' --shared-machine' : ''}\` on ${date},
on ${machine()} with ${cpus().length} cores (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB memory, Node.js ${process.version}:
the throughput run above (${bench.readings.toLocaleString('en')} readings of ${bench.devices.toLocaleString('en')} devices, first publish to last
reading stored), each time on a fresh platform, alternately with \`STADTDATEN_ANALYTICS=false\` and
with the built-in analytics jobs on: rollups of every reading per minute, hour and day, quality
checks of every device, and the other scheduled jobs, which find none of the parking, air-quality,
fill-level and bike-count readings they read in this input.

| run | analytics | throughput | analytics busy time in batch handlers | analytics consumer lag (read every 5 s) when the last reading was stored | load average (1 min) before the run |
|---|---|---|---|---|---|
${rows.join('\n')}

Mean throughput with analytics on is ${costPercent.toFixed(1)} % below the runs with analytics off. The
analytics consumer runs on the platform's main thread, beside MQTT and the ingest gateway. The
load average before a run includes the platform of the run before it. Each run starts on a fresh
platform, so it also pays the one-off registration of the rollup datastreams of all 1,000
devices: in a CPU profile of one such run (\`node --cpu-prof\`, 2026-12-05) the main thread spent
9.7 s of its 37.5 s busy time in registry queries, most likely for these registrations: each
registration document makes the registry read the whole tenant. A platform that runs for longer
registers each datastream once.${
    shared
      ? '\nOther work ran on the machine during these runs (other builds and test runs), so the numbers\nvary more from run to run than on an idle machine.'
      : ''
  }
`;
}

/** Returns "a virtual machine" where the CPU flags name a hypervisor (Linux), else "a machine". */
function machine() {
  try {
    return /^flags\s*:.*\bhypervisor\b/m.test(readFileSync('/proc/cpuinfo', 'utf8')) ? 'a virtual machine' : 'a machine';
  } catch {
    return 'a machine';
  }
}

/** Replaces the section in `markdown`, or inserts it before NEXT_SECTION (at the end without one). */
function replaceSection(markdown, text) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === SECTION);
  if (start !== -1) {
    const length = lines.slice(start + 1).findIndex((line) => line.startsWith('## ') || line.startsWith('# '));
    const end = length === -1 ? lines.length : start + 1 + length;

    return [...lines.slice(0, start), ...text.trimEnd().split('\n'), '', ...lines.slice(end)].join('\n');
  }
  const next = lines.findIndex((line) => line.trim() === NEXT_SECTION);
  if (next === -1) {
    return `${markdown.trimEnd()}\n\n${text}`;
  }

  return [...lines.slice(0, next), ...text.trimEnd().split('\n'), '', ...lines.slice(next)].join('\n');
}
