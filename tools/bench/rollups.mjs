// Latency of daily and hourly means over a year of 1-minute data, from the analytics rollups
// versus the raw aggregate, on the embedded time-series store (SqliteTimeSeriesStore).
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/rollups.mjs [--runs 20] [--write]
// --write replaces the section "## Rollups" of BENCHMARKS.md with the results; `npm run bench` passes it.
//
// Steps, in a fresh temporary data folder:
//   generate  Writes 525,600 readings of one datastream (one a minute through 2025) and its
//             hourly and daily rollups (mean, min, max, sum, count), computed as the rollup job
//             computes them. The 1-minute level is left out, because no query below reads it.
//   query     Times daily and hourly means over the whole year, each --runs times after two
//             warm-up calls. It reads the raw aggregate, the rollups over the aligned year, the
//             same after the coverage check that the query API makes (rollupCoverage), and the
//             rollups over a range that starts and ends inside a day (edges from raw data).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { SqliteTimeSeriesStore, aggregateWithRollups, rollupCoverage, rollupDatastreamId, selectRollup, statsOf, statValue } = require(
  '../../libs/timeseries/dist/index.js',
);
const { observationId } = require('../../libs/contracts/dist/index.js');

const { values: args } = parseArgs({ options: { runs: { type: 'string', default: '20' }, write: { type: 'boolean', default: false } } });
const RUNS = Number(args.runs);
const BENCHMARKS_FILE = resolve(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const SECTION_HEADING = '## Rollups';
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
  const generated = { step: 'generate', readings: raw.length, rollupValues: rollups.length, seconds: Number((Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)) };
  console.log(JSON.stringify(generated));

  return generated;
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
  const timing = { query: name, buckets: result.length, runs: RUNS, medianMs: Number(at(0.5).toFixed(2)), p95Ms: Number(at(0.95).toFixed(2)) };
  console.log(JSON.stringify(timing));

  return { result, timing };
}

function largestDifference(a, b) {
  if (a.length !== b.length) {
    return Number.POSITIVE_INFINITY;
  }

  return a.reduce((max, point, index) => Math.max(max, Math.abs(point.value - b[index].value), point.count === b[index].count ? 0 : Number.POSITIVE_INFINITY), 0);
}

/** Times raw and rollup reads of one interval over the year, and checks that both return the same buckets. */
async function measureInterval(store, label, intervalMs) {
  const year = { tenant: TENANT, datastreamId: SOURCE, fromMs: START_MS, toMs: END_MS, aggregate: 'mean', intervalMs };
  const unaligned = { ...year, fromMs: START_MS + 7 * HOUR_MS + 13 * MINUTE_MS, toMs: END_MS - 2 * HOUR_MS - 41 * MINUTE_MS };
  const level = selectRollup(END_MS - START_MS, intervalMs);
  const raw = await measure(`${label} means, raw aggregate`, () => store.aggregate(year));
  const rollups = await measure(`${label} means, rollups ${level}`, () => aggregateWithRollups(store, year, level));
  // The query API first reads which span the rollups cover (two one-row reads), then aggregates.
  const queryApi = await measure(`${label} means, rollups ${level} with coverage check`, async () => {
    const span = await rollupCoverage(store, year, level, Date.now());

    return aggregateWithRollups(store, year, level, span);
  });
  const rawUnaligned = await store.aggregate(unaligned);
  const edges = await measure(`${label} means, rollups ${level}, unaligned range`, () => aggregateWithRollups(store, unaligned, level));
  const check = {
    check: `${label} means`,
    largestDifference: Math.max(largestDifference(raw.result, rollups.result), largestDifference(raw.result, queryApi.result)),
    largestDifferenceUnaligned: largestDifference(rawUnaligned, edges.result),
  };
  console.log(JSON.stringify(check));

  return { label, level, buckets: raw.result.length, raw: raw.timing, rollups: rollups.timing, queryApi: queryApi.timing, edges: edges.timing, check };
}

function cell(timing) {
  const ms = (value) => (value < 100 ? value.toFixed(1) : value.toFixed(0));

  return `${ms(timing.medianMs)} ms (${ms(timing.p95Ms)} ms)`;
}

function section(rows, generated) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const date = new Date().toISOString().slice(0, 10);
  const equal = rows.every((row) => row.check.largestDifference < 1e-6 && row.check.largestDifferenceUnaligned < 1e-6);

  return `${SECTION_HEADING}

Measured by \`node tools/bench/rollups.mjs\` (part of \`npm run bench\`; build first with
\`node tools/build.mjs --no-typecheck\`) on ${date}, on ${cpus().length} cores (${cpu}),
${Math.round(totalmem() / 2 ** 30)} GiB memory, Node.js ${process.version}, load average ${loadavg()[0].toFixed(1)} at the end of the run. One
datastream with a reading every minute through 2025 (${generated.readings.toLocaleString('en')} readings) and its
hourly and daily rollups in the embedded time-series store (SQLite), ${RUNS} runs of each
query after 2 warm-up calls; median (p95):

| query over the year | raw aggregate | from rollups | from rollups with the query API's coverage check | from rollups, range with raw edges |
|---|---|---|---|---|
${rows
  .map((row) => `| ${row.label} means (${row.buckets.toLocaleString('en')}) | ${cell(row.raw)} | ${cell(row.rollups)}, level ${row.level} | ${cell(row.queryApi)} | ${cell(row.edges)} |`)
  .join('\n')}

${equal ? 'Results from rollups and raw aggregate were equal in every bucket (values within 1e-6, counts exact).' : '**Results from rollups and raw aggregate differed; see the script output.**'}
The query API (\`GET …/observations?aggregate=…&interval=…\`) takes the rollup path by itself for
ranges of at least two days (docs/analytics.md, "Reading long ranges from rollups"); it adds
a registry lookup, served from the registry's cache, to the column with the coverage check.
`;
}

/** Replaces the section of BENCHMARKS.md, or appends it when the file has none. */
function writeSection(markdown, text) {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === SECTION_HEADING);
  if (start < 0) {
    return `${markdown.trimEnd()}\n\n${text.trimEnd()}\n`;
  }
  const next = lines.findIndex((line, index) => index > start && line.startsWith('## '));
  const before = lines.slice(0, start).join('\n').trimEnd();
  const after = next < 0 ? '' : `\n${lines.slice(next).join('\n')}`;

  return `${before}\n\n${text.trimEnd()}\n${after}`;
}

const dir = mkdtempSync(join(tmpdir(), 'rollups-bench-'));
// NORMAL skips the fsync of each transaction; it speeds up loading and does not change reads.
const store = new SqliteTimeSeriesStore({ path: join(dir, 'timeseries.sqlite'), synchronous: 'NORMAL' });
await store.connect();
try {
  console.log(JSON.stringify({ node: process.version, cpu: cpus()[0]?.model, cores: cpus().length }));
  const generated = await generate(store);
  const rows = [await measureInterval(store, 'daily', DAY_MS), await measureInterval(store, 'hourly', HOUR_MS)];
  if (args.write) {
    writeFileSync(BENCHMARKS_FILE, writeSection(readFileSync(BENCHMARKS_FILE, 'utf8'), section(rows, generated)));
    console.log(JSON.stringify({ written: BENCHMARKS_FILE, section: SECTION_HEADING }));
  }
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
