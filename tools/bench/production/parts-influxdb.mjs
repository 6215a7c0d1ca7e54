// InfluxDB alone: write() calls of the time-series adapter (InfluxTimeSeriesStore) on the
// compiled output, in batches of `batchSize` observations spread over `devices` datastreams,
// in databases of the prefix `prefix`, which the caller drops.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { InfluxTimeSeriesStore } = require('../../../libs/timeseries/dist/index.js');
const { observationId } = require('../../../libs/contracts/dist/index.js');

function makeObservations(tenant, devices, count, timeBaseMs) {
  return Array.from({ length: count }, (_, i) => {
    const datastreamId = `bench-${i % devices}-temperature`;
    const phenomenonTimeMs = timeBaseMs + Math.floor(i / devices) * 1000;

    return {
      id: observationId(tenant, datastreamId, phenomenonTimeMs),
      tenant,
      datastreamId,
      phenomenonTimeMs,
      resultTimeMs: phenomenonTimeMs,
      receivedAtMs: phenomenonTimeMs + 150,
      result: 15 + (i % 200) / 10,
      qualityFlags: [],
      storageProfile: 'default',
    };
  });
}

/** Returns the rate over the time spent inside write(); building the observations is not timed. */
export async function measureInfluxWrites({ url, prefix, tenant, devices, points, batchSize, logger }) {
  const store = new InfluxTimeSeriesStore({
    url,
    databaseLayout: 'per-tenant-profile',
    databasePrefix: prefix,
    logger,
    writeBatchSize: batchSize,
    requestTimeoutMs: 120_000,
  });
  const observations = makeObservations(tenant, devices, points, Date.now() - 2 * 86_400_000);
  await store.connect();
  try {
    // The first write also creates the database; it is not timed.
    await store.write(observations.slice(0, 1));
    let spentNs = 0n;
    for (let offset = 0; offset < observations.length; offset += batchSize) {
      const batch = observations.slice(offset, offset + batchSize);
      const started = process.hrtime.bigint();
      await store.write(batch);
      spentNs += process.hrtime.bigint() - started;
    }
    const seconds = Number(spentNs) / 1e9;

    return {
      points,
      batchSize,
      seconds: Number(seconds.toFixed(2)),
      pointsPerSecond: Math.round(points / seconds),
    };
  } finally {
    await store.close();
  }
}
