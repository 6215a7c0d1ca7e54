// The four services of the pipeline as separate processes on the production adapters, with the
// benchmark's own Kafka client id, InfluxDB database prefix, MQTT client id and HTTP ports.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnNode, stopChild } from './children.mjs';
import { freePort } from './environment.mjs';

export const SERVICE_NAMES = ['query-api', 'validator', 'storage-writer', 'ingest-gateway'];

const READY_TIMEOUT_MS = 120_000;

/** Environment of one service: the dev services' settings and every port on its production adapter. */
function serviceEnvironment(devEnv, settings, port, dataDir) {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('STADTDATEN_')),
  );

  return {
    ...inherited,
    ...devEnv,
    STADTDATEN_EVENT_LOG: 'kafka',
    STADTDATEN_TIMESERIES: 'influxdb',
    STADTDATEN_REGISTRY: 'postgres',
    STADTDATEN_AUTH: 'oidc',
    STADTDATEN_MQTT: 'external',
    STADTDATEN_KAFKA_CLIENT_ID: settings.kafkaClientId,
    STADTDATEN_INFLUXDB_DATABASE_PREFIX: settings.influxPrefix,
    STADTDATEN_MQTT_CLIENT_ID: settings.mqttClientId,
    STADTDATEN_MQTT_CONNECTIONS: String(settings.gatewayConnections),
    STADTDATEN_HTTP_HOST: '127.0.0.1',
    STADTDATEN_HTTP_PORT: String(port),
    STADTDATEN_DATA_DIR: dataDir,
    STADTDATEN_LOG_LEVEL: settings.logLevel,
    STADTDATEN_ENV: 'benchmark',
  };
}

async function waitUntilReady(service) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) {
      throw new Error(
        `${service.name} exited with code ${service.child.exitCode} before it was ready; see ${service.logFile}`,
      );
    }
    const status = await fetch(`${service.url}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${service.name} was not ready within ${READY_TIMEOUT_MS} ms; see ${service.logFile}`);
}

/**
 * Starts the services and waits until each responds to /health/ready with 200. Their output goes to
 * `<workDir>/<service>.log`. On failure the services started so far are stopped again.
 */
export async function startServices({ root, devEnv, settings, workDir }) {
  const services = [];
  try {
    for (const name of SERVICE_NAMES) {
      const port = await freePort();
      const dataDir = join(workDir, name);
      mkdirSync(dataDir, { recursive: true });
      const logFile = join(workDir, `${name}.log`);
      const fd = openSync(logFile, 'a');
      const child = spawnNode(join(root, 'services', name, 'dist', 'main.js'), [], {
        env: serviceEnvironment(devEnv, settings, port, dataDir),
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      services.push({ name, child, logFile, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(services.map(waitUntilReady));
  } catch (error) {
    await stopServices(services);
    throw new Error(`${error.message}\n${logTails(services)}`, { cause: error });
  }

  return Object.fromEntries(services.map((service) => [service.name, service]));
}

/** Stops the services in parallel: SIGTERM, then SIGKILL after 30 s. */
export async function stopServices(services) {
  await Promise.all(Object.values(services).map((service) => stopChild(service.child, 30_000)));
}

/** Peak resident memory of a running process (VmHWM) in MiB, or null when it has exited. */
export function peakRssMiB(child) {
  const file = `/proc/${child.pid}/status`;
  if (child.exitCode !== null || !existsSync(file)) {
    return null;
  }
  const kib = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(file, 'utf8'))?.[1]);

  return Number.isFinite(kib) ? Math.round(kib / 1024) : null;
}

/** Last lines of each service's log, for the error report of a failed run. */
export function logTails(services, lines = 15) {
  return Object.values(services)
    .filter((service) => existsSync(service.logFile))
    .map((service) => {
      const tail = readFileSync(service.logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');

      return `--- ${service.name} (${service.logFile})\n${tail}`;
    })
    .join('\n');
}
