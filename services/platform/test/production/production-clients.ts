import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type MqttClient, connectAsync } from 'mqtt';
import { Agent, fetch } from 'undici';

/** Connection settings of the dev services that every service gets unchanged, by variable name. */
export const REQUIRED_SETTINGS = [
  'STADTDATEN_KAFKA_BROKERS',
  'STADTDATEN_KAFKA_SSL_CA_FILE',
  'STADTDATEN_KAFKA_SASL_MECHANISM',
  'STADTDATEN_INFLUXDB_URL',
  'STADTDATEN_INFLUXDB_CA_FILE',
  'STADTDATEN_POSTGRES_URL',
  'STADTDATEN_OIDC_ISSUER',
  'STADTDATEN_OIDC_CA_FILE',
  'STADTDATEN_MQTT_URL',
  'STADTDATEN_MQTT_CA_FILE',
  'STADTDATEN_MQTT_CERT_FILE',
  'STADTDATEN_MQTT_KEY_FILE',
] as const;

/**
 * Settings of the dev services that only the suites read: the dev CA, the certificate of the
 * services' HTTPS listeners, the key-encryption key, and the Kafka super user that creates and
 * deletes the runs' topics.
 */
export const TEST_SETTINGS = [
  'STADTDATEN_DEV_SERVICES_CA_FILE',
  'STADTDATEN_DEV_SERVICES_HTTP_CERT_FILE',
  'STADTDATEN_DEV_SERVICES_HTTP_KEY_FILE',
  'STADTDATEN_DEV_SERVICES_KEK_FILE',
  'STADTDATEN_KAFKA_SASL_USERNAME',
  'STADTDATEN_KAFKA_SASL_PASSWORD',
] as const;

/** Connection of the analytics service's own MQTT client, with the certificate of the user stadtdaten-analytics. */
export const ANALYTICS_MQTT_SETTINGS = [
  'STADTDATEN_ANALYTICS_MQTT_URL',
  'STADTDATEN_ANALYTICS_MQTT_CA_FILE',
  'STADTDATEN_ANALYTICS_MQTT_CERT_FILE',
  'STADTDATEN_ANALYTICS_MQTT_KEY_FILE',
] as const;

/** Connection of the query API's SensorThings publisher, with the certificate of the user stadtdaten-sensorthings. */
export const STA_MQTT_SETTINGS = [
  'STADTDATEN_STA_MQTT_URL',
  'STADTDATEN_STA_MQTT_CA_FILE',
  'STADTDATEN_STA_MQTT_CERT_FILE',
  'STADTDATEN_STA_MQTT_KEY_FILE',
] as const;

/** The public SensorThings Mosquitto's listener for clients without a certificate, which may only read below v1.1/. */
export const PUBLIC_MQTT_URL = 'STADTDATEN_DEV_SERVICES_MQTT_PUBLIC_URL';

export type SettingName =
  | (typeof REQUIRED_SETTINGS)[number]
  | (typeof TEST_SETTINGS)[number]
  | (typeof ANALYTICS_MQTT_SETTINGS)[number]
  | (typeof STA_MQTT_SETTINGS)[number]
  | typeof PUBLIC_MQTT_URL;

/** Optional connection settings handed to the services when they are set. */
export const OPTIONAL_SETTINGS = [
  'STADTDATEN_INFLUXDB_USERNAME',
  'STADTDATEN_INFLUXDB_PASSWORD',
  'STADTDATEN_OIDC_AUDIENCE',
  'STADTDATEN_OIDC_JWKS_URL',
] as const;

const execFileAsync = promisify(execFile);
const DEV_SERVICES_SCRIPT = join(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'tools',
  'dev-services',
  'dev-services.mjs',
);

/** Returns a connection setting, or throws naming the variable when it is unset. */
export function setting(name: SettingName): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is unset; npm test sets it after starting the dev services (tools/dev-services)`,
    );
  }

  return value;
}

/**
 * Returns the password of a Kafka user of the dev services (tools/dev-services/lib/kafka-principals.mjs),
 * e.g. `validator` or `tenant-darmstadt`, or throws naming the variable when it is unset.
 */
export function kafkaPassword(user: string): string {
  const name = `STADTDATEN_KAFKA_SASL_PASSWORD_${user.toUpperCase().replaceAll('-', '_')}`;
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(
      `${name} is unset; npm test sets it after starting the dev services (tools/dev-services)`,
    );
  }

  return value;
}

let devCaDispatcher: Agent | undefined;

/**
 * fetch through undici with a connection pool that trusts the dev CA, which signed the
 * certificates of the services' HTTPS listeners, Keycloak and InfluxDB.
 */
export function fetchTls(url: string | URL, init: Parameters<typeof fetch>[1] = {}) {
  devCaDispatcher ??= new Agent({
    connect: { ca: readFileSync(setting('STADTDATEN_DEV_SERVICES_CA_FILE')) },
  });

  return fetch(url, { ...init, dispatcher: devCaDispatcher });
}

/** Users of the dev-services Keycloak realm. Their passwords are `<user>-test-only`, valid in that realm only. */
export type TestUser = 'darmstadt-admin' | 'darmstadt-analyst' | 'heag-analyst' | 'platform-operator';

/** Gets an access token of a test user by the password grant of the public client `stadtdaten-cli`. */
export async function keycloakToken(user: TestUser): Promise<string> {
  const response = await fetchTls(`${setting('STADTDATEN_OIDC_ISSUER')}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      client_id: 'stadtdaten-cli',
      username: user,
      password: `${user}-test-only`,
    }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || body.access_token === undefined) {
    throw new Error(
      `Keycloak password grant for ${user} failed with ${response.status}: ${body.error_description}`,
    );
  }

  return body.access_token;
}

const TOKEN_REUSE_MS = 60_000;
const tokens = new Map<TestUser, { token: string; fetchedAtMs: number }>();

/** Returns a token of the user that is at most a minute old, because the realm's access tokens expire after 5 minutes. */
export async function freshToken(user: TestUser): Promise<string> {
  const cached = tokens.get(user);
  if (cached !== undefined && Date.now() - cached.fetchedAtMs < TOKEN_REUSE_MS) {
    return cached.token;
  }
  const token = await keycloakToken(user);
  tokens.set(user, { token, fetchedAtMs: Date.now() });

  return token;
}

export interface HttpResult {
  status: number;
  body: any;
}

/** Sends a request and parses a JSON response body. Other bodies are returned as text. */
export async function requestJson(
  url: string,
  options: { method?: string; token?: string; body?: string; contentType?: string } = {},
): Promise<HttpResult> {
  const headers: Record<string, string> = { 'accept-language': 'en' };
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  const response = await fetchTls(url, {
    method: options.method ?? 'GET',
    headers,
    body: options.body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');

  return { status: response.status, body: isJson && text !== '' ? JSON.parse(text) : text };
}

/** Applies a catalog document through the query API, or throws with the problem detail when it is rejected. */
export async function applyCatalog(queryApiUrl: string, token: string, yaml: string): Promise<any> {
  const result = await requestJson(`${queryApiUrl}/api/v1/catalog`, {
    method: 'POST',
    token,
    body: yaml,
    contentType: 'application/yaml',
  });
  if (result.status < 200 || result.status >= 300) {
    throw new Error(`catalog rejected with ${result.status}: ${JSON.stringify(result.body).slice(0, 1000)}`);
  }

  return result.body;
}

export interface DeviceCertificate {
  commonName: string;
  cert: string;
  key: string;
  ca: string;
}

/** Issues (or reuses) the client certificate with CN `<tenant>/<device>` through the dev-services script. */
export function issueDeviceCertificate(tenant: string, device: string): DeviceCertificate {
  const output = execFileSync(process.execPath, [DEV_SERVICES_SCRIPT, 'cert', tenant, device], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 30_000,
  });
  const fields = Object.fromEntries(
    output
      .trim()
      .split('\n')
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );

  return { commonName: fields.cn, cert: fields.cert, key: fields.key, ca: fields.ca };
}

/** Deletes a certificate and its key, and the tenant's certificate folder once it is empty. */
export function removeDeviceCertificate(certificate: DeviceCertificate): void {
  rmSync(certificate.cert, { force: true });
  rmSync(certificate.key, { force: true });
  const folder = dirname(certificate.cert);
  if (existsSync(folder) && readdirSync(folder).length === 0) {
    rmdirSync(folder);
  }
}

/** Connects a device over MQTT 5 with its client certificate, so a denied publish fails with reason code 135. */
export function connectDevice(certificate: DeviceCertificate, clientId: string): Promise<MqttClient> {
  return connectAsync(setting('STADTDATEN_MQTT_URL'), {
    ca: readFileSync(certificate.ca),
    cert: readFileSync(certificate.cert),
    key: readFileSync(certificate.key),
    clientId,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
}

/**
 * Removes the broker's persistent session of a client id (the gateway's), which the broker would
 * otherwise keep, with a queue of every ingest message, for the session expiry of 7 days.
 */
export async function clearMqttSession(clientId: string): Promise<void> {
  const client = await connectAsync(setting('STADTDATEN_MQTT_URL'), {
    ca: readFileSync(setting('STADTDATEN_MQTT_CA_FILE')),
    cert: readFileSync(setting('STADTDATEN_MQTT_CERT_FILE')),
    key: readFileSync(setting('STADTDATEN_MQTT_KEY_FILE')),
    clientId,
    protocolVersion: 5,
    clean: true,
    properties: { sessionExpiryInterval: 0 },
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  await client.endAsync();
}

/** Connects with the gateway's client certificate, which may read every topic, under its own client id. */
export function connectGatewayIdentity(clientId: string): Promise<MqttClient> {
  return connectAsync(setting('STADTDATEN_MQTT_URL'), {
    ca: readFileSync(setting('STADTDATEN_MQTT_CA_FILE')),
    cert: readFileSync(setting('STADTDATEN_MQTT_CERT_FILE')),
    key: readFileSync(setting('STADTDATEN_MQTT_KEY_FILE')),
    clientId,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
}

/**
 * Connects over MQTT 5 as a citizen's app would: TLS with the dev CA, no certificate, no user
 * name. `url` is the public SensorThings broker's listener unless given.
 */
export function connectAnonymous(clientId: string, url = setting(PUBLIC_MQTT_URL)): Promise<MqttClient> {
  // allowRetries false: a connection that closes before its CONNACK rejects instead of waiting.
  return connectAsync(
    url,
    {
      ca: readFileSync(setting('STADTDATEN_DEV_SERVICES_CA_FILE')),
      clientId,
      protocolVersion: 5,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    },
    false,
  );
}

/** Time without a further retained message after which all of them count as received. */
const RETAINED_QUIET_MS = 500;
const RETAINED_MAX_WAIT_MS = 5_000;

/**
 * Deletes the retained messages below `topicFilter`, which Mosquitto would otherwise keep. It
 * reads them with the gateway's certificate and deletes each with an empty retained message
 * under the analytics service's certificate, the only one that may write quality topics.
 * Returns the topics it deleted.
 */
export async function clearRetainedMessages(topicFilter: string): Promise<string[]> {
  const reader = await connectGatewayIdentity(`e2e-retained-${Math.random().toString(36).slice(2, 8)}`);
  const topics = new Set<string>();
  try {
    let lastAt = Date.now();
    reader.on('message', (topic, payload, packet) => {
      if (packet.retain && payload.length > 0) {
        topics.add(topic);
        lastAt = Date.now();
      }
    });
    await reader.subscribeAsync(topicFilter, { qos: 1 });
    // Mosquitto sends the retained messages right after the SUBACK, so a quiet spell marks their end.
    const deadline = Date.now() + RETAINED_MAX_WAIT_MS;
    while (Date.now() - lastAt < RETAINED_QUIET_MS && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await reader.endAsync();
  }
  if (topics.size === 0) {
    return [];
  }

  const writer = await connectAsync(setting('STADTDATEN_ANALYTICS_MQTT_URL'), {
    ca: readFileSync(setting('STADTDATEN_ANALYTICS_MQTT_CA_FILE')),
    cert: readFileSync(setting('STADTDATEN_ANALYTICS_MQTT_CERT_FILE')),
    key: readFileSync(setting('STADTDATEN_ANALYTICS_MQTT_KEY_FILE')),
    clientId: `e2e-retained-writer-${Math.random().toString(36).slice(2, 8)}`,
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  try {
    for (const topic of topics) {
      await writer.publishAsync(topic, '', { qos: 1, retain: true });
    }
  } finally {
    await writer.endAsync();
  }

  return [...topics];
}

/** Runs the dev-services script for one service, e.g. `down influxdb`, with a time limit of 120 s. */
export async function devServices(action: 'up' | 'down', service: string): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, [DEV_SERVICES_SCRIPT, action, service], {
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, LANG: 'en_US.UTF-8' },
  });

  return stdout;
}
