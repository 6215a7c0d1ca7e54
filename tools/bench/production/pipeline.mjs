// The pipeline measurement: registers the devices through the query API, warms the pipeline up,
// then publishes through Mosquitto from a separate process and reads the storage writer's
// /metrics until every reading is stored. The storage writer's counter and Mosquitto's shared
// subscription also serve other tenants and gateways, so after each run the benchmark checks
// that its own gateway received every reading and that InfluxDB contains every reading of the tenant.
import { createRequire } from 'node:module';
import { runPublisher } from './children.mjs';
import { cpuSecondsBetween, cpuSnapshot } from './cpu.mjs';
import { histogramBuckets, metricValue, quantileBetween, round, scrape, waitForCounter } from './metrics.mjs';

const require = createRequire(import.meta.url);
const { InfluxTimeSeriesStore } = require('../../../libs/timeseries/dist/index.js');

const DAY_MS = 86_400_000;
const WARM_UP_ROUNDS = 10;
const WARM_UP_ROUND_MS = 15_000;
const LATENCY_HISTOGRAM = 'stadtdaten_pipeline_latency_seconds';

/** Catalog of the benchmark tenant: one device type with one numeric field, one device per certificate. */
export function benchCatalog(tenant, devices) {
  const property = `${tenant.replaceAll('-', '_')}_temperature`;

  return {
    tenants: [{ id: tenant, name: 'Production benchmark' }],
    observedProperties: [
      {
        id: property,
        name: 'Benchmark temperature',
        definition: 'http://vocabs.lter-europe.net/EnvThes/22035',
      },
    ],
    deviceTypes: [
      {
        id: 'bench-thermometer',
        tenant,
        name: 'Benchmark thermometer',
        payloadFormat: 'json',
        fields: [
          {
            field: 'temperature',
            observedProperty: property,
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
        tenant,
        id: 'bench-site',
        name: 'Benchmark site',
        useCase: 'weather',
        location: { type: 'Point', coordinates: [8.65, 49.87] },
      },
    ],
    devices: Array.from({ length: devices }, (_, i) => ({
      tenant,
      id: `bench-${i}`,
      type: 'bench-thermometer',
      thing: 'bench-site',
    })),
  };
}

export async function applyCatalog(queryApiUrl, token, catalog) {
  const response = await fetch(`${queryApiUrl}/api/v1/catalog`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'accept-language': 'en',
    },
    body: JSON.stringify(catalog),
    signal: AbortSignal.timeout(60_000),
  });
  if (!response.ok) {
    throw new Error(`POST /api/v1/catalog returned ${response.status}: ${await response.text()}`);
  }
}

/** Runs the measurements of the pipeline on services that are ready and a registered catalog. */
export async function measurePipeline(context) {
  const { services, options } = context;
  const counter = (service, name, labels) => async () =>
    metricValue(await scrape(services[service].url), name, labels);
  const run = {
    ...context,
    storedCount: counter('storage-writer', 'stadtdaten_messages_out_total', [
      'service="storage-writer"',
      'kind="observations"',
    ]),
    gatewayCount: counter('ingest-gateway', 'stadtdaten_messages_in_total', [
      'service="ingest-gateway"',
      'source="mqtt"',
    ]),
    tenantCount: () => countTenantObservations(context),
  };

  const warmUpReadings = await warmUp(run);
  const throughput = await measureThroughput(run);
  const latency = await measureLatency(run);

  return {
    devices: options.devices,
    warmUpReadings,
    throughput,
    latency,
    storedInInfluxDb: await run.tenantCount(),
  };
}

function publish({ root, env, options, certDir }, { count, timeBaseMs, rate }) {
  const flags = {
    url: env.STADTDATEN_MQTT_URL,
    ca: env.STADTDATEN_MQTT_CA_FILE,
    'cert-dir': certDir,
    tenant: options.tenant,
    devices: options.devices,
    count,
    'time-base-ms': timeBaseMs,
    'max-seconds': options.timeoutSeconds,
    rate,
  };

  return runPublisher(root, flags, (options.timeoutSeconds + 60) * 1000);
}

/**
 * Publishes while the storage writer's counter is polled, so the time the last reading is
 * stored is seen within one poll. Then checks the gateway's count and InfluxDB's count.
 */
async function publishAndWait(run, publishOptions, phase) {
  const { options, storedCount, gatewayCount, tenantCount } = run;
  const [storedBefore, gatewayBefore, tenantBefore] = await Promise.all([
    storedCount(),
    gatewayCount(),
    tenantCount(),
  ]);
  const abort = new AbortController();
  const waiting = waitForCounter(storedCount, storedBefore + publishOptions.count, {
    description: `${phase}, storage writer's stored count`,
    stallMs: options.stallSeconds * 1000,
    timeoutMs: options.timeoutSeconds * 1000,
    signal: abort.signal,
  });
  let published;
  let storedAtMs;
  try {
    [published, storedAtMs] = await Promise.all([
      publish(run, publishOptions).then((result) => checkPublished(result, phase)),
      waiting,
    ]);
  } finally {
    abort.abort();
    await waiting.catch(() => undefined);
  }

  const received = (await gatewayCount()) - gatewayBefore;
  if (received < publishOptions.count) {
    throw new Error(
      `${phase}: the run's ingest gateway received ${received} of ${publishOptions.count} readings; another client in the shared subscription group "stadtdaten-gateway" (another gateway, or the persistent session of a stopped one) took the rest. Run on a broker without other gateways.`,
    );
  }
  if (received > publishOptions.count) {
    throw new Error(
      `${phase}: the run's ingest gateway received ${received} readings, ${received - publishOptions.count} more than the run published; another client published on the ingest topics meanwhile. Run on a broker without other publishers.`,
    );
  }
  const stored = (await tenantCount()) - tenantBefore;
  if (stored !== publishOptions.count) {
    throw new Error(
      `${phase}: the storage writer's counter reached its target, but InfluxDB contains ${stored} of ${publishOptions.count} new readings of tenant ${options.tenant}; the counter also counted other tenants' observations. Run without other producers on the Kafka broker.`,
    );
  }

  return { published, storedAtMs };
}

function checkPublished(result, phase) {
  if (result.acknowledged !== result.requested) {
    throw new Error(
      `${phase}: Mosquitto acknowledged ${result.acknowledged} of ${result.requested} readings; first error: ${result.firstError ?? 'none (publisher deadline reached)'}`,
    );
  }

  return result;
}

/**
 * Sends one reading per device until a whole round is in InfluxDB. Early rounds may be rejected
 * as unknown devices while the new catalog travels to the validator's cache. The warm-up also
 * creates the InfluxDB database and lets the consumers take their partitions and read what
 * other tenants left uncommitted before the measurements start.
 */
async function warmUp(run) {
  const { options, tenantCount } = run;
  const timeBaseMs = Date.now() - 4 * DAY_MS;
  for (let round = 0; round < WARM_UP_ROUNDS; round += 1) {
    const before = await tenantCount();
    await publish(run, { count: options.devices, timeBaseMs: timeBaseMs + round * 1000 });
    const stored = await waitForCounter(tenantCount, before + options.devices, {
      description: 'warm-up',
      pollMs: 500,
      stallMs: WARM_UP_ROUND_MS,
      timeoutMs: WARM_UP_ROUND_MS,
    }).then(
      () => true,
      () => false,
    );
    if (stored) {
      return await tenantCount();
    }
  }
  throw new Error(
    `no warm-up round of ${options.devices} readings was stored in ${WARM_UP_ROUNDS} rounds; see the service logs`,
  );
}

/** Measures the throughput, and the CPU seconds of the services, the servers and the publisher meanwhile. */
async function measureThroughput(run) {
  const count = run.options.readings;
  const cpuBefore = cpuSnapshot(run.processPids, ['postgres']);
  const windowStartedAtMs = Date.now();
  const { published, storedAtMs } = await publishAndWait(
    run,
    { count, timeBaseMs: Date.now() - 3 * DAY_MS },
    'throughput run',
  );
  const cpuAfter = cpuSnapshot(run.processPids, ['postgres']);
  const cpuWindowSeconds = (Date.now() - windowStartedAtMs) / 1000;
  const seconds = (storedAtMs - published.startedAtMs) / 1000;

  return {
    readings: count,
    seconds: round(seconds, 2),
    readingsPerSecond: Math.round(count / seconds),
    publishSeconds: round((published.finishedAtMs - published.startedAtMs) / 1000, 2),
    pubackP50Ms: round(published.pubackP50Ms),
    pubackP99Ms: round(published.pubackP99Ms),
    // CPU seconds from just before the publisher starts until the checks after the last reading is stored.
    cpuWindowSeconds: round(cpuWindowSeconds, 2),
    cpuSeconds: { ...cpuSecondsBetween(cpuBefore, cpuAfter), publisher: published.cpuSeconds },
  };
}

async function measureLatency(run) {
  const { options, services } = run;
  const count = options.rate * options.rateSeconds;
  const histogram = async () =>
    histogramBuckets(await scrape(services['storage-writer'].url), LATENCY_HISTOGRAM, 'store="observations"');
  const before = await histogram();
  const { published } = await publishAndWait(
    run,
    { count, timeBaseMs: Date.now() - DAY_MS, rate: options.rate },
    'fixed-rate run',
  );
  const after = await histogram();

  return {
    targetRate: options.rate,
    readings: count,
    achievedRate: Math.round(count / ((published.finishedAtMs - published.startedAtMs) / 1000)),
    p50Ms: round(quantileBetween(before, after, 0.5), 0),
    p99Ms: round(quantileBetween(before, after, 0.99), 0),
    pubackP50Ms: round(published.pubackP50Ms),
    pubackP99Ms: round(published.pubackP99Ms),
  };
}

/**
 * Counts the tenant's observations in InfluxDB with a new store each time, because a store
 * reuses its list of databases for up to 10 s and would miss a database created meanwhile.
 */
async function countTenantObservations({ env, options, settings, logger }) {
  const store = new InfluxTimeSeriesStore({
    url: env.STADTDATEN_INFLUXDB_URL,
    databaseLayout: 'per-tenant-profile',
    databasePrefix: settings.influxPrefix,
    logger,
  });
  await store.connect();
  try {
    return await store.count(options.tenant);
  } finally {
    await store.close();
  }
}
