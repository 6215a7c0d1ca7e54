// Throughput of the embedded time-series store (SqliteTimeSeriesStore) on the compiled output.
// Build first: node tools/build.mjs --no-typecheck
// Usage: node tools/bench/timeseries.bench.mjs [--records 200000] [--datastreams 1000] [--batch 500]
//   [--synchronous FULL|NORMAL]
//
// Phases on one fresh file in the temp folder:
//   write      write() calls of --batch observations, as the storage writer issues them
//   rewrite    the same observations again (every write replaces a stored row)
//   query      one hour of one datastream per call
//   aggregate  mean per hour over one day of one datastream per call
//   latest     latest() for 100 datastreams per call
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { SqliteTimeSeriesStore } = require('../../libs/timeseries/dist/index.js');
const { observationId } = require('../../libs/contracts/dist/index.js');

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '200000' },
    datastreams: { type: 'string', default: '1000' },
    synchronous: { type: 'string', default: 'FULL' },
    batch: { type: 'string', default: '500' },
  },
});
const totalRecords = Number(args.records);
const datastreamCount = Number(args.datastreams);
const batchSize = Number(args.batch);
const TENANT = 'darmstadt';
const START_MS = 1_735_689_600_000;
const STEP_MS = 60_000;
const CALLS = 1_000;

function makeObservation(index) {
  const datastreamId = `ds-${index % datastreamCount}`;
  const phenomenonTimeMs = START_MS + Math.floor(index / datastreamCount) * STEP_MS;

  return {
    id: observationId(TENANT, datastreamId, phenomenonTimeMs),
    tenant: TENANT,
    datastreamId,
    phenomenonTimeMs,
    resultTimeMs: phenomenonTimeMs,
    receivedAtMs: phenomenonTimeMs + 150,
    result: (index % 997) / 10,
    qualityFlags: [],
    storageProfile: 'onprem-darz',
  };
}

function report(phase, count, unit, startNs) {
  const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
  console.log(
    JSON.stringify({
      phase,
      count,
      unit,
      batchSize,
      synchronous: args.synchronous,
      seconds: Number(seconds.toFixed(2)),
      perSecond: Math.round(count / seconds),
    }),
  );
}

async function writeAll(store, observations) {
  for (let offset = 0; offset < observations.length; offset += batchSize) {
    await store.write(observations.slice(offset, offset + batchSize));
  }
}

const dir = mkdtempSync(join(tmpdir(), 'timeseries-bench-'));
const store = new SqliteTimeSeriesStore({ path: join(dir, 'bench.db'), synchronous: args.synchronous });
await store.connect();
try {
  const observations = Array.from({ length: totalRecords }, (_, index) => makeObservation(index));
  const lastMs = START_MS + Math.floor(totalRecords / datastreamCount) * STEP_MS;

  let start = process.hrtime.bigint();
  await writeAll(store, observations);
  report('write', totalRecords, 'observations', start);

  start = process.hrtime.bigint();
  await writeAll(store, observations);
  report('rewrite', totalRecords, 'observations', start);

  start = process.hrtime.bigint();
  let rows = 0;
  for (let call = 0; call < CALLS; call += 1) {
    const datastreamId = `ds-${call % datastreamCount}`;
    rows += (
      await store.query({ tenant: TENANT, datastreamId, fromMs: START_MS, toMs: START_MS + 3_600_000 })
    ).length;
  }
  report('query', CALLS, `calls (${rows} rows)`, start);

  start = process.hrtime.bigint();
  for (let call = 0; call < CALLS; call += 1) {
    const datastreamId = `ds-${call % datastreamCount}`;
    await store.aggregate({
      tenant: TENANT,
      datastreamId,
      fromMs: START_MS,
      toMs: START_MS + 86_400_000,
      aggregate: 'mean',
      intervalMs: 3_600_000,
    });
  }
  report('aggregate', CALLS, 'calls', start);

  start = process.hrtime.bigint();
  const ids = Array.from({ length: 100 }, (_, index) => `ds-${index}`);
  for (let call = 0; call < CALLS; call += 1) {
    await store.latest(TENANT, ids);
  }
  report('latest', CALLS, 'calls of 100 datastreams', start);
  console.log(JSON.stringify({ stored: await store.count(TENANT), lastMs }));
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
