// Benchmark of the production mode against the dev services (tools/dev-services), in one run:
//   1. each part alone: Kafka producer and consumer through the event log adapter, InfluxDB
//      batch writes through the time-series adapter, Mosquitto publish to subscribe at QoS 1
//      over TLS with client certificates;
//   2. the pipeline: ingest gateway, validator, storage writer and query API run as separate
//      processes on the production adapters. It measures the throughput of --readings readings
//      published through Mosquitto, and the latency histogram at a fixed rate;
//   3. the ratio of the pipeline's throughput to the slowest part.
// Prints the results as JSON and replaces the section "## Production mode" of BENCHMARKS.md.
// Build first: node tools/build.mjs --no-typecheck. Usage: node tools/bench/production.mjs --help
//
// The run uses its own tenant, Kafka topics, consumer group of the consumer measurement, InfluxDB
// database prefix and MQTT client ids, all derived from --tenant. It removes them at the end, and
// at the start too, for the leftovers of an interrupted run. All traffic goes to the dev services
// on 127.0.0.1.
// NOTE: the services' Kafka consumer groups ("validator", "storage-writer") and the gateway's MQTT
// shared subscription group ("stadtdaten-gateway") are fixed in their code and span all tenants,
// so the run needs servers without another pipeline. It stops with an error when another process
// is a member of those Kafka groups, or when its own gateway or tenant did not get every reading.
// The tenant's catalog and the warm-up's rejected readings stay in PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { stopAll } from './production/children.mjs';
import { parseOptions } from './production/options.mjs';
import {
  assertServiceGroupsIdle,
  deleteKafkaLeftovers,
  dropInfluxDatabases,
  foreignBacklog,
  removeMqttSession,
} from './production/cleanup.mjs';
import {
  describeMachine,
  issueDeviceCertificates,
  loadDevServices,
  operatorToken,
  serverVersions,
} from './production/environment.mjs';
import { kafkaPartsGroups, measureKafka } from './production/parts-kafka.mjs';
import { measureInfluxWrites } from './production/parts-influxdb.mjs';
import { measureMosquitto } from './production/parts-mosquitto.mjs';
import { applyCatalog, benchCatalog, measurePipeline } from './production/pipeline.mjs';
import { productionSection, slowestPart, writeSection } from './production/report.mjs';
import { logTails, peakRssMiB, startServices, stopServices } from './production/services.mjs';

const root = resolve(import.meta.dirname, '..', '..');
const require = createRequire(import.meta.url);
const { KafkaEventLog } = require('../../libs/event-log/dist/index.js');
const { TopicKind, topicName } = require('../../libs/contracts/dist/index.js');

function log(message) {
  process.stderr.write(`[production-bench] ${message}\n`);
}

/** Names of everything the run creates on the shared servers, derived from the tenant. */
function runNames(tenant) {
  const influxPrefix = tenant.replaceAll('-', '_');

  return {
    kafkaClientId: tenant,
    influxPrefix,
    partsInfluxPrefix: `${influxPrefix}_parts`,
    // The gateway appends -0, -1, … per connection.
    mqttClientId: `${tenant}-gateway`,
    ownsTopic: (topic) => topic.startsWith(`stadtdaten.${tenant}.`) || topic.startsWith(`bench.${tenant}.`),
  };
}

/** Removes the run's topics, groups, databases and gateway sessions, and logs a failed step instead of throwing. */
async function removeLeftovers(env, options, names) {
  const brokers = env.STADTDATEN_KAFKA_BROKERS.split(',');
  const steps = [
    [
      'Kafka topics',
      () =>
        deleteKafkaLeftovers(
          brokers,
          `${names.kafkaClientId}-cleanup`,
          names.ownsTopic,
          kafkaPartsGroups(options.tenant),
        ),
    ],
    // The prefix of the parts' databases starts with the pipeline's prefix, so one drop covers both.
    ['InfluxDB databases', () => dropInfluxDatabases(env.STADTDATEN_INFLUXDB_URL, names.influxPrefix)],
    ...Array.from({ length: options.gatewayConnections }, (_, i) => [
      `MQTT session ${names.mqttClientId}-${i}`,
      () => removeMqttSession(env, `${names.mqttClientId}-${i}`),
    ]),
  ];
  for (const [what, step] of steps) {
    await step().catch((error) => log(`cleanup of ${what} failed: ${error.message}`));
  }
}

async function measureParts({ env, options, names, certDir, logger }) {
  const brokers = env.STADTDATEN_KAFKA_BROKERS.split(',');
  log(`Kafka: ${options.partRecords} records`);
  const kafka = await measureKafka({
    brokers,
    tenant: options.tenant,
    devices: options.devices,
    records: options.partRecords,
    inFlight: options.inFlight,
    sequentialSeconds: options.sequentialSeconds,
    logger,
  });
  log(`InfluxDB: ${options.partRecords} points`);
  const influxdb = await measureInfluxWrites({
    url: env.STADTDATEN_INFLUXDB_URL,
    prefix: names.partsInfluxPrefix,
    tenant: options.tenant,
    devices: options.devices,
    points: options.partRecords,
    batchSize: 5000,
    logger,
  });
  log(`Mosquitto: ${options.partRecords} messages`);
  const mosquitto = await measureMosquitto({
    root,
    env,
    tenant: options.tenant,
    devices: options.devices,
    certDir,
    messages: options.partRecords,
    timeoutMs: options.timeoutSeconds * 1000,
  });

  return { kafka, influxdb, mosquitto };
}

/** Creates the tenant's topics before the services start, so their subscriptions include them at once. */
async function createTenantTopics(env, tenant, logger) {
  const eventLog = new KafkaEventLog({
    brokers: env.STADTDATEN_KAFKA_BROKERS.split(','),
    clientId: `${tenant}-setup`,
    partitions: 3,
    logger,
  });
  await eventLog.connect();
  try {
    await eventLog.ensureTopics(Object.values(TopicKind).map((kind) => topicName(tenant, kind)));
  } finally {
    await eventLog.close();
  }
}

/**
 * Throws when another process consumes in the services' groups, or when those groups left
 * records uncommitted on other tenants' topics, unless --allow-foreign-backlog is set.
 */
async function checkServiceGroups({ env, options, names }) {
  const brokers = env.STADTDATEN_KAFKA_BROKERS.split(',');
  await assertServiceGroupsIdle(brokers, `${names.kafkaClientId}-check`);
  const backlog = await foreignBacklog(brokers, `${names.kafkaClientId}-check`, names.ownsTopic);
  if (backlog.length === 0) {
    return;
  }
  const listing = backlog.map((entry) => `${entry.groupId} ${entry.topic}: ${entry.records}`).join(', ');
  if (!options.allowForeignBacklog) {
    throw new Error(
      `the services' consumer groups have uncommitted records on other tenants' topics (${listing}); the run's services would consume and commit them. Let the owner's services finish, or pass --allow-foreign-backlog`,
    );
  }
  log(`consuming the backlog of other tenants' topics: ${listing}`);
}

/** Pids of the services and of the dev services whose CPU time the throughput run reports. */
function processIds(services, status) {
  const servers = ['kafka', 'mosquitto', 'influxdb', 'postgres'];

  return {
    ...Object.fromEntries(Object.values(services).map((service) => [service.name, service.child.pid])),
    ...Object.fromEntries(servers.map((name) => [name, status.find((entry) => entry.name === name)?.pid])),
  };
}

async function runPipeline(context) {
  const { env, options, names, logger, workDir } = context;
  await checkServiceGroups(context);
  await createTenantTopics(env, options.tenant, logger);
  log('starting ingest-gateway, validator, storage-writer and query-api');
  const settings = { ...names, logLevel: options.logLevel, gatewayConnections: options.gatewayConnections };
  const services = await startServices({ root, devEnv: env, settings, workDir });
  context.services = services;
  await applyCatalog(
    services['query-api'].url,
    await operatorToken(env.STADTDATEN_OIDC_ISSUER),
    benchCatalog(options.tenant, options.devices),
  );
  log(
    `catalog applied; publishing ${options.readings} readings, then ${options.rate}/s for ${options.rateSeconds} s`,
  );
  const processPids = processIds(services, context.status);
  const pipeline = await measurePipeline({ ...context, root, services, settings: names, processPids });
  const peakRss = Object.fromEntries(
    Object.values(services).map((service) => [service.name, peakRssMiB(service.child)]),
  );

  return { pipeline, peakRss };
}

async function main() {
  const options = parseOptions();
  const { env, status } = loadDevServices(root);
  const names = runNames(options.tenant);
  const logger = pino({ level: 'warn' });
  const workDir = mkdtempSync(join(tmpdir(), 'stadtdaten-production-bench-'));
  const context = { env, status, options, names, logger, workDir, services: {} };
  // The gateway's persistent sessions stay in the shared subscription group after it stops and
  // take their share of other gateways' messages, so an interrupted run removes them too.
  const stopOnSignal = async (signal) => {
    log(
      `${signal}: stopping the child processes and removing the run's state on the servers (again to exit at once)`,
    );
    process.once(signal, () => process.exit(130));
    await stopAll(10_000);
    await Promise.race([
      removeLeftovers(env, options, names),
      new Promise((resolve) => setTimeout(resolve, 30_000)),
    ]);
    log(`service logs kept in ${workDir}`);
    process.exit(130);
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);

  let succeeded = false;
  try {
    await checkServiceGroups(context);
    await removeLeftovers(env, options, names);
    const deviceIds = Array.from({ length: options.devices }, (_, i) => `bench-${i}`);
    context.certDir = issueDeviceCertificates(root, options.tenant, deviceIds);

    const parts = await measureParts(context);
    const { pipeline, peakRss } = await runPipeline(context);
    const slowest = slowestPart(parts);
    const result = {
      command: ['node', 'tools/bench/production.mjs', ...process.argv.slice(2)].join(' '),
      date: new Date().toISOString().slice(0, 10),
      machine: describeMachine(),
      versions: await serverVersions(env, status),
      options,
      parts,
      pipeline,
      peakRssMiB: peakRss,
      ratio: {
        slowestPart: slowest.part,
        slowestPerSecond: slowest.perSecond,
        pipelinePerSecond: pipeline.throughput.readingsPerSecond,
        value: Number((pipeline.throughput.readingsPerSecond / slowest.perSecond).toFixed(3)),
      },
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    if (!options.skipReport) {
      writeSection(join(root, 'BENCHMARKS.md'), productionSection(result));
      log('section "Production mode" of BENCHMARKS.md written');
    }
    succeeded = true;
  } catch (error) {
    const tails = logTails(context.services);
    log(`failed: ${error.message}${tails ? `\n${tails}` : ''}`);
    process.exitCode = 1;
  } finally {
    await stopServices(context.services);
    await stopAll();
    await removeLeftovers(env, options, names);
    if (succeeded) {
      rmSync(workDir, { recursive: true, force: true });
    } else {
      log(`service logs kept in ${workDir}`);
    }
  }
}

await main().catch((error) => {
  log(`failed: ${error.message}`);
  process.exitCode = 1;
});
