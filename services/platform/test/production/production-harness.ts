import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  SERVICE_GROUPS,
  createTenantTopics,
  deleteTenantTopics,
  dropInfluxDatabases,
  groupMembers,
} from './pipeline-state';
import {
  ANALYTICS_MQTT_SETTINGS,
  OPTIONAL_SETTINGS,
  REQUIRED_SETTINGS,
  TEST_SETTINGS,
  clearMqttSession,
  clearRetainedMessages,
  fetchTls,
  kafkaPassword,
  setting,
} from './production-clients';
import { ServiceProcess } from './service-process';
import { acquireSuiteLock } from './suite-lock';

export type ServiceName = 'ingest-gateway' | 'validator' | 'storage-writer' | 'query-api' | 'analytics';

/** The services that `startAll` starts by default; the analytics service starts only where a suite names it. */
export const ALL_SERVICES: ServiceName[] = ['query-api', 'ingest-gateway', 'validator', 'storage-writer'];

const REPOSITORY = join(__dirname, '..', '..', '..', '..');
/**
 * Bounds of the lifecycle steps, in milliseconds. The lock and group waits together stay below the
 * suites' beforeAll timeouts (240 s and more), so a wait never outlives its suite. The lock wait
 * covers two suites ahead in the queue, and the group wait the session timeout (30 s) after which
 * Kafka drops a member of a killed process.
 */
const LOCK_TIMEOUT_MS = 120_000;
const IDLE_GROUPS_TIMEOUT_MS = 60_000;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;
/**
 * Connections of the gateway to Mosquitto. Each has a persistent session `<client id>-<index>`.
 * NOTE: the gateway always joins the shared subscription `$share/stadtdaten-gateway/...`, so any
 * other gateway on the same broker, and any offline session left in that group, takes a share of
 * this run's messages. Mosquitto 2.0.11 also queues a share for offline sessions.
 */
const GATEWAY_CONNECTIONS = 4;

/**
 * `describe` for the production suites: skipped, with the reason in its name, where the dev
 * services' settings are absent.
 */
export function describeProduction(name: string, body: () => void): void {
  if (!process.env.STADTDATEN_KAFKA_BROKERS) {
    const reason = 'STADTDATEN_KAFKA_BROKERS is unset; npm test sets it after starting the dev services';
    // Jest lists skipped suites only as a count, so the reason is printed once per suite.
    console.warn(`skipped "${name}": ${reason}`);
    describe.skip(`${name} (skipped: ${reason})`, () => {
      it('needs the dev services', () => undefined);
    });

    return;
  }
  describe(name, body);
}

/**
 * The services of the platform in production mode (Kafka, InfluxDB, PostgreSQL, Keycloak,
 * Mosquitto), each started from its compiled `dist/main.js` as a child process. Each harness has
 * its own tenant, InfluxDB database prefix, MQTT client ids of the gateway and the analytics
 * service, and data folders, and only one harness runs on a machine at a time (see `acquireSuiteLock`).
 */
export class ProductionHarness {
  readonly runId: string;
  /** Tenant of this run, whose Kafka topics exist before the services start. */
  readonly tenant: string;
  readonly influxPrefix: string;
  readonly gatewayClientId: string;
  readonly workDir: string;
  private readonly processes = new Map<string, ServiceProcess>();
  private readonly serviceOf = new Map<string, ServiceName>();
  private readonly onExit = () => this.processes.forEach((child) => child.killNow());

  private constructor(private readonly releaseLock: () => void) {
    this.runId = Math.random().toString(36).slice(2, 8).padEnd(6, '0');
    this.tenant = `e2e-${this.runId}`;
    this.influxPrefix = `e2e_${this.runId}`;
    this.gatewayClientId = `e2e-gateway-${this.runId}`;
    this.workDir = mkdtempSync(join(tmpdir(), `stadtdaten-e2e-${this.runId}-`));
    // A worker that exits without afterAll must not leave services running.
    process.once('exit', this.onExit);
  }

  /** Waits for the machine-wide suite lock, then creates the run's Kafka topics. */
  static async create(): Promise<ProductionHarness> {
    [...REQUIRED_SETTINGS, ...TEST_SETTINGS].forEach((name) => setting(name));
    const release = await acquireSuiteLock(LOCK_TIMEOUT_MS);
    const harness = new ProductionHarness(release);
    try {
      await waitForIdleServiceGroups();
      await createTenantTopics(harness.tenant);
    } catch (error) {
      await harness.dispose();
      throw error;
    }

    return harness;
  }

  /**
   * Starts one instance of a service and waits until its `/health/ready` returns 200. `overrides`
   * replace settings of its environment, as in `launch`.
   */
  async start(
    service: ServiceName,
    instance: string = service,
    overrides: Record<string, string | undefined> = {},
  ): Promise<ServiceProcess> {
    const child = await this.launch(service, instance, overrides);
    await child.waitReady(READY_TIMEOUT_MS);

    return child;
  }

  /**
   * Starts one instance of a service without waiting for it. `overrides` replace settings of
   * its environment, and an undefined value removes one.
   */
  async launch(
    service: ServiceName,
    instance: string = service,
    overrides: Record<string, string | undefined> = {},
  ): Promise<ServiceProcess> {
    const running = this.processes.get(instance);
    if (running !== undefined && running.exit === undefined) {
      throw new Error(`${instance} is already running (pid ${running.pid}); stop it first`);
    }
    const port = await freePort();
    const dataDir = join(this.workDir, instance);
    mkdirSync(dataDir, { recursive: true });
    const env = { ...this.environment(service, dataDir, port), ...overrides };
    const child = new ServiceProcess({
      name: instance,
      mainFile: join(REPOSITORY, 'services', service, 'dist', 'main.js'),
      env: Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)),
      port,
      logFile: join(this.workDir, `${instance}.log`),
    });
    this.processes.set(instance, child);
    this.serviceOf.set(instance, service);

    return child;
  }

  /** Starts the services at the same time and waits until every one is ready. */
  async startAll(services: ServiceName[] = ALL_SERVICES): Promise<void> {
    await Promise.all(services.map((service) => this.start(service)));
  }

  process(instance: string): ServiceProcess {
    const child = this.processes.get(instance);
    if (child === undefined) {
      throw new Error(`${instance} was never started`);
    }

    return child;
  }

  url(instance: string): string {
    return this.process(instance).url;
  }

  stop(instance: string) {
    return this.process(instance).stop(STOP_TIMEOUT_MS);
  }

  kill(instance: string) {
    return this.process(instance).kill();
  }

  /** Stops an instance (SIGTERM, then SIGKILL after the bound) and starts it again on a new port. */
  async restart(instance: string): Promise<ServiceProcess> {
    await this.stop(instance);

    return this.start(this.serviceOf.get(instance)!, instance);
  }

  /** Sum of the samples of a Prometheus metric whose labels include `labels`. */
  async metric(instance: string, name: string, labels: Record<string, string> = {}): Promise<number> {
    const response = await fetchTls(`${this.url(instance)}/metrics`, { signal: AbortSignal.timeout(5_000) });
    const text = await response.text();

    return sumMetric(text, name, labels);
  }

  /**
   * Stops every service, removes the run's topics, InfluxDB databases, the gateway's MQTT session,
   * the retained quality messages of the run's tenant and the data folders, and releases the
   * suite lock. Every step runs even when one fails.
   */
  async dispose(): Promise<void> {
    try {
      await Promise.allSettled([...this.processes.values()].map((child) => child.stop(STOP_TIMEOUT_MS)));
      const cleanups = await Promise.allSettled([
        deleteTenantTopics(this.tenant),
        dropInfluxDatabases(this.influxPrefix),
        ...(this.serviceOf.has('ingest-gateway')
          ? Array.from({ length: GATEWAY_CONNECTIONS }, (_, index) =>
              clearMqttSession(`${this.gatewayClientId}-${index}`),
            )
          : []),
        ...(this.serviceOf.has('analytics') ? [clearRetainedMessages(`stadtdaten/${this.tenant}/quality/#`)] : []),
      ]);
      const failed = cleanups.filter((result) => result.status === 'rejected');
      if (failed.length > 0) {
        // NOTE: a failed clean-up leaves the run's topics, databases or broker sessions behind. Later runs use new names.
        process.emitWarning(
          `production harness clean-up failed: ${failed.map((result) => String((result as PromiseRejectedResult).reason)).join('; ')}`,
        );
      }
      if (process.env.STADTDATEN_E2E_KEEP_LOGS === 'true') {
        process.emitWarning(`production harness logs kept in ${this.workDir}`);
      } else {
        rmSync(this.workDir, { recursive: true, force: true });
      }
    } finally {
      process.removeListener('exit', this.onExit);
      this.releaseLock();
    }
  }

  /**
   * Environment of a service: production adapters, TLS on every connection and on its HTTPS
   * listener, and the Kafka user named after the service (tools/dev-services/lib/kafka-principals.mjs).
   * The analytics service also gets its own MQTT client certificate (CN stadtdaten-analytics).
   */
  private environment(service: ServiceName, dataDir: string, port: number): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(process.env)) {
      if (!name.startsWith('STADTDATEN_')) env[name] = value;
    }
    for (const name of [...REQUIRED_SETTINGS, ...OPTIONAL_SETTINGS]) {
      if (process.env[name]) env[name] = process.env[name];
    }
    if (service === 'analytics') {
      for (const name of ANALYTICS_MQTT_SETTINGS) {
        env[name] = setting(name);
      }
      env.STADTDATEN_ANALYTICS_MQTT_CLIENT_ID = `e2e-analytics-${this.runId}`;
    }

    return {
      ...env,
      STADTDATEN_KAFKA_SASL_USERNAME: service,
      STADTDATEN_KAFKA_SASL_PASSWORD: kafkaPassword(service),
      STADTDATEN_HTTP_TLS_CERT_FILE: setting('STADTDATEN_DEV_SERVICES_HTTP_CERT_FILE'),
      STADTDATEN_HTTP_TLS_KEY_FILE: setting('STADTDATEN_DEV_SERVICES_HTTP_KEY_FILE'),
      STADTDATEN_KEK_FILE: setting('STADTDATEN_DEV_SERVICES_KEK_FILE'),
      STADTDATEN_EVENT_LOG: 'kafka',
      STADTDATEN_TIMESERIES: 'influxdb',
      STADTDATEN_REGISTRY: 'postgres',
      STADTDATEN_AUTH: 'oidc',
      STADTDATEN_MQTT: 'external',
      STADTDATEN_MQTT_CLIENT_ID: this.gatewayClientId,
      STADTDATEN_MQTT_CONNECTIONS: String(GATEWAY_CONNECTIONS),
      STADTDATEN_INFLUXDB_DATABASE_PREFIX: this.influxPrefix,
      STADTDATEN_HTTP_HOST: '127.0.0.1',
      STADTDATEN_HTTP_PORT: String(port),
      STADTDATEN_DATA_DIR: dataDir,
      STADTDATEN_LOG_LEVEL: process.env.STADTDATEN_E2E_LOG_LEVEL ?? 'warn',
      STADTDATEN_ENV: 'e2e',
    };
  }
}

/**
 * Waits until no process is a member of the validator, storage-writer and analytics groups.
 * Members of another stack would share the partitions of this run's topics. They would then
 * write this run's tenant into their own InfluxDB databases. A killed member of an earlier run
 * leaves the group after the session timeout.
 */
async function waitForIdleServiceGroups(): Promise<void> {
  try {
    await waitUntil(
      'service consumer groups without members',
      () => groupMembers(),
      (members) => members.length === 0,
      IDLE_GROUPS_TIMEOUT_MS,
      1_000,
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}; another validator, storage writer or analytics service uses the dev services' Kafka (groups ${SERVICE_GROUPS.join(', ')}); stop it and run the suite again`,
    );
  }
}

/** Returns a TCP port that was free a moment ago: the OS picks it for a listener that is closed at once. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function sumMetric(text: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (match === null || match[1] !== name) {
      continue;
    }
    const present = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((label) => [
        label[1],
        label[2],
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => present[key] === value)) {
      sum += Number(match[3]);
    }
  }

  return sum;
}

/** Polls `probe` until `done` accepts its value, or throws with the last value after `timeoutMs`. */
export async function waitUntil<T>(
  description: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(
        `${description}: not reached within ${timeoutMs} ms; last value: ${JSON.stringify(last)?.slice(0, 500)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await probe();
  }

  return last;
}
