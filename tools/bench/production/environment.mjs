// Connection settings of the dev services, device certificates, a Keycloak token, free ports
// and a description of the machine, for the production benchmark.
import { execFileSync, spawnSync } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';

/** Variables the services need to reach the dev services; the Keycloak admin secrets stay out. */
const SERVICE_VARIABLES = [
  'STADTDATEN_KAFKA_BROKERS',
  'STADTDATEN_MQTT_URL',
  'STADTDATEN_MQTT_CA_FILE',
  'STADTDATEN_MQTT_CERT_FILE',
  'STADTDATEN_MQTT_KEY_FILE',
  'STADTDATEN_INFLUXDB_URL',
  'STADTDATEN_POSTGRES_URL',
  'STADTDATEN_OIDC_ISSUER',
  'STADTDATEN_OIDC_AUDIENCE',
];

/** Test user of the dev realm with the role platform-admin (tools/dev-services/README.md). */
const OPERATOR = { username: 'platform-operator', password: 'platform-operator-test-only' };
const CLI_CLIENT_ID = 'stadtdaten-cli';

function devServicesScript(root) {
  return join(root, 'tools', 'dev-services', 'dev-services.mjs');
}

/**
 * Returns the dev services' connection settings and their status entries. Throws, naming the
 * command to run, when a service is stopped or the state folder was never initialized.
 */
export function loadDevServices(root) {
  const script = devServicesScript(root);
  const statusRun = spawnSync(process.execPath, [script, 'status', '--json'], { encoding: 'utf8' });
  const status = statusRun.status === 0 || statusRun.status === 3 ? JSON.parse(statusRun.stdout) : [];
  const stopped = status.filter((entry) => !entry.running).map((entry) => entry.name);
  if (statusRun.status !== 0 || stopped.length > 0) {
    throw new Error(
      `dev services not running: ${stopped.join(', ') || statusRun.stderr.trim()}; start them with: node tools/dev-services/dev-services.mjs up`,
    );
  }
  const all = JSON.parse(execFileSync(process.execPath, [script, 'env', '--json']).toString());
  const missing = SERVICE_VARIABLES.filter((name) => !all[name]);
  if (missing.length > 0) {
    throw new Error(`dev-services.mjs env printed no ${missing.join(', ')}; check tools/dev-services`);
  }

  return { env: Object.fromEntries(SERVICE_VARIABLES.map((name) => [name, all[name]])), status };
}

/** Versions of InfluxDB (its /ping header) and Mosquitto (`mosquitto -h` of the running binary). */
export async function serverVersions(env, status) {
  const ping = await fetch(`${env.STADTDATEN_INFLUXDB_URL}/ping`, {
    signal: AbortSignal.timeout(5_000),
  }).catch(() => undefined);
  const mosquittoPid = status.find((entry) => entry.name === 'mosquitto')?.pid;
  let mosquitto = 'unknown version';
  try {
    const binary = readlinkSync(`/proc/${mosquittoPid}/exe`);
    const help = spawnSync(binary, ['-h'], { encoding: 'utf8', timeout: 5_000 });
    mosquitto = /mosquitto version (\S+)/.exec(`${help.stdout}${help.stderr}`)?.[1] ?? mosquitto;
  } catch {
    // Another user's process or no /proc: the version stays unknown.
  }

  return { influxdb: ping?.headers.get('x-influxdb-version') ?? 'unknown version', mosquitto };
}

/** Issues (or reuses) the client certificate of each device and returns the folder of the files. */
export function issueDeviceCertificates(root, tenant, deviceIds) {
  let folder;
  for (const device of deviceIds) {
    const output = execFileSync(process.execPath, [devServicesScript(root), 'cert', tenant, device], {
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    const cert = /^cert=(.+)$/m.exec(output)?.[1];
    if (cert === undefined || !cert.endsWith(`/${device}.crt`)) {
      throw new Error(`dev-services.mjs cert ${tenant} ${device} printed no certificate path: ${output}`);
    }
    folder = cert.slice(0, -`/${device}.crt`.length);
  }

  return folder;
}

/** Gets an access token of the platform operator by the password grant of the CLI client. */
export async function operatorToken(issuer) {
  const response = await fetch(`${issuer}/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: CLI_CLIENT_ID, ...OPERATOR }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok) {
    throw new Error(
      `Keycloak rejected the password grant of ${OPERATOR.username}: ${response.status} ${await response.text()}`,
    );
  }

  return (await response.json()).access_token;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function describeMachine() {
  return {
    cpu: cpus()[0]?.model ?? 'unknown CPU',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
