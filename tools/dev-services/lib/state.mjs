// The state folder: every file dev-services writes (downloads, configs, data, logs, PID
// files, generated credentials) lies below it, so `down --purge` removes all of it.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { KAFKA_USERS } from './kafka-principals.mjs';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '..', '..', '..');
const MARKER_FILE = '.stadtdaten-dev-services';

/** Clients of the realm that authenticate with a secret; their secrets are generated at first `up`. */
export const CONFIDENTIAL_CLIENTS = ['ingest-gateway', 'validator', 'storage-writer', 'query-api'];

export function stateDirectory(env = process.env) {
  return resolve(env.STADTDATEN_DEV_SERVICES_DIR || join(REPOSITORY_ROOT, 'var', 'dev-services'));
}

export function statePaths(root = stateDirectory()) {
  return {
    root,
    marker: join(root, MARKER_FILE),
    secrets: join(root, 'secrets.json'),
    run: join(root, 'run'),
    logs: join(root, 'logs'),
    downloads: join(root, 'downloads'),
    mavenRepository: join(root, 'downloads', 'maven-repository'),
    pidFile: (service) => join(root, 'run', `${service}.pid`),
    logFile: (service) => join(root, 'logs', `${service}.log`),
    service: (service) => join(root, service),
  };
}

/** Creates the state folder with its marker file; 0755 so that the postgres and mosquitto users can reach their files. */
export function ensureStateDirectory(paths) {
  for (const dir of [paths.root, paths.run, paths.logs, paths.downloads]) {
    mkdirSync(dir, { recursive: true });
  }
  chmodSync(paths.root, 0o755);
  if (!existsSync(paths.marker)) {
    writeFileSync(
      paths.marker,
      'State folder of tools/dev-services/dev-services.mjs; "down --purge" deletes it.\n',
    );
  }
}

export function hasMarker(paths) {
  return existsSync(paths.marker);
}

export function removeStateDirectory(paths) {
  rmSync(paths.root, { recursive: true, force: true });
}

function newSecret() {
  return randomBytes(24).toString('hex');
}

/** Returns the stored credentials, or undefined before the first `up`. */
export function readSecrets(paths) {
  if (!existsSync(paths.secrets)) {
    return undefined;
  }

  return JSON.parse(readFileSync(paths.secrets, 'utf8'));
}

/**
 * Returns the credentials of the state folder, generating those still missing and storing
 * them in secrets.json with mode 0600. Existing values never change, because Keycloak and
 * PostgreSQL keep the ones they got first.
 */
export function ensureSecrets(paths) {
  const stored = readSecrets(paths) ?? {};
  const secrets = {
    postgresPassword: stored.postgresPassword ?? newSecret(),
    postgresPersonalPassword: stored.postgresPersonalPassword ?? newSecret(),
    keycloakAdminUsername: stored.keycloakAdminUsername ?? 'admin',
    keycloakAdminPassword: stored.keycloakAdminPassword ?? newSecret(),
    clientSecrets: { ...stored.clientSecrets },
    kafkaPasswords: { ...stored.kafkaPasswords },
  };
  for (const client of CONFIDENTIAL_CLIENTS) {
    secrets.clientSecrets[client] ??= newSecret();
  }
  for (const user of KAFKA_USERS) {
    secrets.kafkaPasswords[user] ??= newSecret();
  }

  writeFileSync(paths.secrets, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  chmodSync(paths.secrets, 0o600);

  return secrets;
}

/** File of the key-encryption key that the platform's services get in the dev environment. */
export function kekFile(paths) {
  return join(paths.root, 'platform', 'kek.key');
}

/**
 * Creates the key-encryption key file (32 random bytes in base64, mode 0600) unless it exists.
 * It stays the same for the life of the state folder, because PostgreSQL keeps the tenant keys
 * that it wraps.
 */
export function ensureKekFile(paths) {
  const file = kekFile(paths);
  if (existsSync(file)) {
    return;
  }
  mkdirSync(join(paths.root, 'platform'), { recursive: true });
  writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
}

export function readPid(paths, service) {
  try {
    const pid = Number(readFileSync(paths.pidFile(service), 'utf8').trim());

    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export function writePid(paths, service, pid) {
  writeFileSync(paths.pidFile(service), `${pid}\n`);
}

export function removePid(paths, service) {
  rmSync(paths.pidFile(service), { force: true });
}
