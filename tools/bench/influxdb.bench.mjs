// Throughput and query latency of the InfluxDB time-series store (InfluxTimeSeriesStore) on the
// compiled output. Build first: node tools/build.mjs --no-typecheck
// Usage: STADTDATEN_INFLUXDB_URL=http://127.0.0.1:18086 node tools/bench/influxdb.bench.mjs
//   [--batch 5000] [--fleet-datastreams 1000] [--fleet-points 500] [--calls 20] [--keep]
//
// Phases, each in databases of its own (prefix bench_<random>, dropped at the end unless --keep):
//   write-year   one year of 1-minute data of one datastream (525,600 points), write() calls of --batch
//   write-fleet  --fleet-points per datastream for --fleet-datastreams datastreams, calls of --batch
//   aggregate    daily mean over that year, --calls times after one warm-up call
// Prints one JSON line per phase.
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { InfluxTimeSeriesStore } = require('../../libs/timeseries/dist/index.js');
const { observationId } = require('../../libs/contracts/dist/index.js');
const { pino } = require('pino');

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '5000' },
    'fleet-datastreams': { type: 'string', default: '1000' },
    'fleet-points': { type: 'string', default: '500' },
    calls: { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
  },
});
const url = process.env.STADTDATEN_INFLUXDB_URL;
if (url === undefined || url === '') {
  process.stderr.write(
    'STADTDATEN_INFLUXDB_URL is unset; start InfluxDB and set it, e.g. to http://127.0.0.1:18086\n',
  );
  process.exit(2);
}

const batchSize = Number(args.batch);
const fleetDatastreams = Number(args['fleet-datastreams']);
const fleetPoints = Number(args['fleet-points']);
const calls = Number(args.calls);
const TENANT = 'bench';
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** 2025-01-01T00:00:00Z: the measured year is 2025. */
const YEAR_START_MS = 1_735_689_600_000;
const YEAR_MINUTES = 365 * 24 * 60;
const prefix = `bench_${randomBytes(3).toString('hex')}`;

const store = new InfluxTimeSeriesStore({
  url,
  username: process.env.STADTDATEN_INFLUXDB_USERNAME || undefined,
  password: process.env.STADTDATEN_INFLUXDB_PASSWORD || undefined,
  databaseLayout: 'per-tenant-profile',
  databasePrefix: prefix,
  logger: pino({ level: 'warn' }),
  writeBatchSize: batchSize,
  requestTimeoutMs: 120_000,
});

function makeObservation(datastreamId, phenomenonTimeMs, result, storageProfile) {
  return {
    id: observationId(TENANT, datastreamId, phenomenonTimeMs),
    tenant: TENANT,
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs + 150,
    result,
    qualityFlags: [],
    storageProfile,
  };
}

function seconds(startNs) {
  return Number(process.hrtime.bigint() - startNs) / 1e9;
}

/** Writes in write() calls of batchSize and returns the seconds spent inside write(). */
async function writeAll(observations) {
  let spent = 0;
  for (let offset = 0; offset < observations.length; offset += batchSize) {
    const batch = observations.slice(offset, offset + batchSize);
    const start = process.hrtime.bigint();
    await store.write(batch);
    spent += seconds(start);
  }

  return spent;
}

function reportWrite(phase, count, spentSeconds) {
  console.log(
    JSON.stringify({
      phase,
      points: count,
      batchSize,
      seconds: Number(spentSeconds.toFixed(2)),
      pointsPerSecond: Math.round(count / spentSeconds),
    }),
  );
}

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function dropBenchDatabases() {
  const response = await fetch(`${url}/query`, {
    method: 'POST',
    body: new URLSearchParams({ q: 'SHOW DATABASES' }),
    signal: AbortSignal.timeout(30_000),
  });
  const names = ((await response.json()).results[0].series?.[0]?.values ?? []).map((row) => row[0]);
  for (const name of names.filter((database) => database.startsWith(`${prefix}_`))) {
    await fetch(`${url}/query`, {
      method: 'POST',
      body: new URLSearchParams({ q: `DROP DATABASE "${name}"` }),
      signal: AbortSignal.timeout(60_000),
    });
  }
}

await store.connect();
try {
  // Phase 1: one year of one datastream, as the aggregate phase reads it.
  const year = Array.from({ length: YEAR_MINUTES }, (_, minute) =>
    makeObservation('year-1', YEAR_START_MS + minute * MINUTE_MS, 15 + 10 * Math.sin(minute / 720), 'de'),
  );
  reportWrite('write-year', year.length, await writeAll(year));

  // Phase 2: many datastreams, interleaved per minute as a storage writer receives them.
  const fleet = [];
  for (let point = 0; point < fleetPoints; point += 1) {
    for (let datastream = 0; datastream < fleetDatastreams; datastream += 1) {
      fleet.push(
        makeObservation(
          `fleet-${datastream}`,
          YEAR_START_MS + point * MINUTE_MS,
          (point + datastream) % 97,
          'eu',
        ),
      );
    }
  }
  reportWrite('write-fleet', fleet.length, await writeAll(fleet));

  // Phase 3: daily mean over the year of phase 1.
  const query = {
    tenant: TENANT,
    datastreamId: 'year-1',
    fromMs: YEAR_START_MS,
    toMs: YEAR_START_MS + 365 * DAY_MS,
    aggregate: 'mean',
    intervalMs: DAY_MS,
  };
  const warmUp = await store.aggregate(query);
  const latencies = [];
  for (let call = 0; call < calls; call += 1) {
    const start = process.hrtime.bigint();
    await store.aggregate(query);
    latencies.push(seconds(start) * 1000);
  }
  latencies.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      phase: 'aggregate',
      query: 'daily mean over 365 days of 1-minute data (525,600 points)',
      buckets: warmUp.length,
      pointsCounted: warmUp.reduce((total, point) => total + point.count, 0),
      calls,
      minMs: Number(latencies[0].toFixed(1)),
      medianMs: Number(quantile(latencies, 0.5).toFixed(1)),
      p95Ms: Number(quantile(latencies, 0.95).toFixed(1)),
    }),
  );
} finally {
  await store.close();
  if (!args.keep) await dropBenchDatabases();
}
