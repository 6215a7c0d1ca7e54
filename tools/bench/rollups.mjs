// Latency of daily and hourly means over a year of 1-minute data, from the analytics rollups
// versus the raw aggregate, on the embedded time-series store (SqliteTimeSeriesStore).
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/rollups.mjs [--runs 20]
//
// Steps, in a fresh temporary data folder:
//   generate  Writes 525,600 readings of one datastream (one a minute through 2025) and its
//             hourly and daily rollups (mean, min, max, sum, count), computed as the rollup job
//             computes them. The 1-minute level is left out, because no query below reads it.
//   query     Times daily and hourly means over the whole year, each --runs times after two
//             warm-up calls. It reads the raw aggregate, the rollups over the aligned year, and
//             the rollups over a range that starts and ends inside a day (edges from raw data).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { SqliteTimeSeriesStore } = require('../../libs/timeseries/dist/index.js');
const { observationId } = require('../../libs/contracts/dist/index.js');
const { aggregateWithRollups, rollupDatastreamId, selectRollup, statsOf, statValue } = require('../../services/analytics/dist/index.js');

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Number(args.runs);
const TENANT = 'darmstadt';
const SOURCE = 'bench-meter.power';
const START_MS = Date.parse('2025-01-01T00:00:00Z');
const END_MS = Date.parse('2026-01-01T00:00:00Z');
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const STATS = ['mean', 'min', 'max', 'sum', 'count'];

function stored(datastreamId, phenomenonTimeMs, result) {
  return {
    id: observationId(TENANT, datastreamId, phenomenonTimeMs),
    tenant: TENANT,
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs,
    result,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
  };
}

/** Returns a daily wave with deterministic noise, in watts. */
function reading(timeMs) {
  const minuteOfDay = (timeMs % DAY_MS) / MINUTE_MS;
  const noise = ((timeMs / MINUTE_MS) * 7919) % 97;

  return Math.round(500 + 300 * Math.sin((2 * Math.PI * minuteOfDay) / 1440) + noise);
}

async function writeInBatches(store, observations) {
  for (let offset = 0; offset < observations.length; offset += 5000) {
    await store.write(observations.slice(offset, offset + 5000));
  }
}

async function generate(store) {
  const raw = [];
  const buckets = { '1h': new Map(), '1d': new Map() };
  for (let timeMs = START_MS; timeMs < END_MS; timeMs += MINUTE_MS) {
    const value = reading(timeMs);
    raw.push(stored(SOURCE, timeMs, value));
    for (const [level, levelMs] of [['1h', HOUR_MS], ['1d', DAY_MS]]) {
      const start = Math.floor(timeMs / levelMs) * levelMs;
      const values = buckets[level].get(start) ?? [];
      values.push(value);
      buckets[level].set(start, values);
    }
  }
  const rollups = [];
  for (const level of ['1h', '1d']) {
    for (const [start, values] of buckets[level]) {
      const stats = statsOf(values);
      STATS.forEach((stat) => rollups.push(stored(rollupDatastreamId(SOURCE, stat, level), start, statValue(stats, stat))));
    }
  }
  const started = process.hrtime.bigint();
  await writeInBatches(store, raw);
  await writeInBatches(store, rollups);
  console.log(JSON.stringify({ step: 'generate', readings: raw.length, rollupValues: rollups.length, seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)) }));
}

async function measure(name, query) {
  let result;
  for (let warmup = 0; warmup < 2; warmup += 1) {
    result = await query();
  }
  const latencies = [];
  for (let run = 0; run < RUNS; run += 1) {
    const started = process.hrtime.bigint();
    result = await query();
    latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  console.log(JSON.stringify({ query: name, buckets: result.length, runs: RUNS, medianMs: Number(at(0.5).toFixed(2)), p95Ms: Number(at(0.95).toFixed(2)) }));

  return result;
}

function largestDifference(a, b) {
  if (a.length !== b.length) {
    return Number.POSITIVE_INFINITY;
  }

  return a.reduce((max, point, index) => Math.max(max, Math.abs(point.value - b[index].value), point.count === b[index].count ? 0 : Number.POSITIVE_INFINITY), 0);
}

const dir = mkdtempSync(join(tmpdir(), 'rollups-bench-'));
// NORMAL skips the fsync of each transaction; it speeds up loading and does not change reads.
const store = new SqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite'), synchronous: 'NORMAL' });
await store.connect();
try {
  console.log(JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, cores: cpus().length }));
  await generate(store);
  const year = { tenant: TENANT, datastreamId: SOURCE, fromMs: START_MS, toMs: END_MS, aggregate: 'mean' };
  const unaligned = { ...year, fromMs: START_MS + 7 * HOUR_MS + 13 * MINUTE_MS, toMs: END_MS - 2 * HOUR_MS - 41 * MINUTE_MS };

  for (const [label, intervalMs] of [['daily', DAY_MS], ['hourly', HOUR_MS]]) {
    const level = selectRollup(END_MS - START_MS, intervalMs);
    const raw = await measure(`${label} means, raw aggregate`, () => store.aggregate({ ...year, intervalMs }));
    const fromRollups = await measure(`${label} means, rollups ${level}`, () => aggregateWithRollups(store, { ...year, intervalMs }, level));
    const rawUnaligned = await store.aggregate({ ...unaligned, intervalMs });
    const fromRollupsUnaligned = await measure(`${label} means, rollups ${level}, unaligned range`, () => aggregateWithRollups(store, { ...unaligned, intervalMs }, level));
    console.log(JSON.stringify({ check: `${label} means`, largestDifference: largestDifference(raw, fromRollups), largestDifferenceUnaligned: largestDifference(rawUnaligned, fromRollupsUnaligned) }));
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
