// Keycloak in dev mode (embedded H2 database in its data folder), from the
// keycloak-quarkus-dist zip on Maven Central, with the stadtdaten realm imported at its
// first start. It serves HTTPS only, with a server certificate of the dev CA. Client secrets come from the environment through the realm file's
// ${STADTDATEN_KC_SECRET_*} placeholders, so no secret is in the repository.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { DevServicesError } from '../lib/errors.mjs';
import { logStep, logText, message } from '../lib/messages.mjs';
import { runCommand, spawnDetached } from '../lib/processes.mjs';
import { httpStatus } from '../lib/probes.mjs';
import { CONFIDENTIAL_CLIENTS } from '../lib/state.mjs';
import { findProgram, javaMajorVersion, newestJdkHome, runMaven } from '../lib/system.mjs';
import { devCaFile, ensureServerCertificate, serverCertificateFiles } from '../lib/tls.mjs';

const KEYCLOAK_VERSION = '26.7.3';
const HOST = '127.0.0.1';
const PORT = 18180;
/** Port Keycloak binds for its disabled HTTP listener; nothing connects to it. */
const UNUSED_HTTP_PORT = 18181;
const REALM = 'stadtdaten';
// Keycloak 26 supports OpenJDK 17, 21 and 25 and recommends the newest of them
// (keycloak.org/server/supported-configurations).
const MINIMUM_JAVA = 17;
const MAXIMUM_JAVA = 25;
const REALM_SOURCE = resolve(import.meta.dirname, '..', 'keycloak', 'realm-stadtdaten.json');

export const KEYCLOAK_BASE_URL = `https://${HOST}:${PORT}`;
export const OIDC_ISSUER = `${KEYCLOAK_BASE_URL}/realms/${REALM}`;

function files(paths) {
  const dir = paths.service('keycloak');
  const home = join(dir, `keycloak-${KEYCLOAK_VERSION}`);

  return {
    dir,
    home,
    complete: join(home, '.complete'),
    launcher: join(home, 'bin', 'kc.sh'),
    importDir: join(home, 'data', 'import'),
    database: join(home, 'data', 'h2'),
    realmHash: join(dir, 'imported-realm.sha256'),
    zip: join(
      paths.mavenRepository,
      'org',
      'keycloak',
      'keycloak-quarkus-dist',
      KEYCLOAK_VERSION,
      `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`,
    ),
  };
}

/** Environment variable that carries a confidential client's secret into the realm import. */
export function clientSecretVariable(clientId) {
  return `STADTDATEN_KC_SECRET_${clientId.toUpperCase().replaceAll('-', '_')}`;
}

async function download(paths, keycloak) {
  const artifact = `Keycloak ${KEYCLOAK_VERSION}`;
  if (existsSync(keycloak.complete)) {
    logStep('keycloak', 'cached', artifact);

    return;
  }
  if (!existsSync(keycloak.zip)) {
    logStep('keycloak', 'download', artifact);
    await runMaven(paths, [
      'org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get',
      `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`,
      '-Dtransitive=false',
    ]);
  }

  logStep('keycloak', 'unpack', keycloak.zip);
  rmSync(keycloak.home, { recursive: true, force: true });
  mkdirSync(keycloak.dir, { recursive: true });
  await runCommand('unzip', ['-q', '-o', keycloak.zip, '-d', keycloak.dir], { timeoutMs: 5 * 60_000 });
  writeFileSync(keycloak.complete, `${KEYCLOAK_VERSION}\n`);
}

// Keycloak imports a realm only while its database lacks it, so a changed realm file
// takes effect only after its data folder is deleted.
function copyRealm(keycloak) {
  const realm = readFileSync(REALM_SOURCE);
  const hash = createHash('sha256').update(realm).digest('hex');
  mkdirSync(keycloak.importDir, { recursive: true });
  copyFileSync(REALM_SOURCE, join(keycloak.importDir, 'realm-stadtdaten.json'));

  const importedHash = existsSync(keycloak.realmHash)
    ? readFileSync(keycloak.realmHash, 'utf8').trim()
    : undefined;
  if (existsSync(keycloak.database) && importedHash !== undefined && importedHash !== hash) {
    logStep('keycloak', 'realmChanged', join(keycloak.home, 'data'));
  }
  if (!existsSync(keycloak.database)) {
    writeFileSync(keycloak.realmHash, `${hash}\n`);
  }
}

// Returns the newest supported JDK under /usr/lib/jvm, or undefined to use `java` on PATH.
async function javaHome() {
  const newest = newestJdkHome(MINIMUM_JAVA, MAXIMUM_JAVA);
  if (newest) {
    logText('keycloak', { de: `Java: ${newest}`, en: `Java: ${newest}` });

    return newest;
  }
  const major = await javaMajorVersion('java');
  if (major < MINIMUM_JAVA) {
    throw new DevServicesError('JAVA_TOO_OLD', message('javaTooOld', major, MINIMUM_JAVA));
  }

  return undefined;
}

function keycloakEnvironment(secrets, jdkHome) {
  const env = { ...process.env };
  delete env.JAVA_OPTS;
  if (jdkHome) {
    env.JAVA_HOME = jdkHome;
  }
  env.JAVA_OPTS_KC_HEAP = '-Xms64m -Xmx512m';
  env.KC_BOOTSTRAP_ADMIN_USERNAME = secrets.keycloakAdminUsername;
  env.KC_BOOTSTRAP_ADMIN_PASSWORD = secrets.keycloakAdminPassword;
  for (const client of CONFIDENTIAL_CLIENTS) {
    env[clientSecretVariable(client)] = secrets.clientSecrets[client];
  }

  return env;
}

export const keycloak = {
  name: 'keycloak',
  address: `${HOST}:${PORT}`,
  detail: `issuer ${OIDC_ISSUER}`,
  ports: [PORT, UNUSED_HTTP_PORT],
  // The first start builds Keycloak's Quarkus application first: 37 s of a 78 s first start
  // measured on a 2-core machine while the other services started too.
  readyTimeoutMs: 300_000,
  stop: { signal: 'SIGTERM', group: true, timeoutMs: 45_000 },

  missingPackages: () => (findProgram('unzip') ? [] : ['unzip']),

  // kc.sh re-executes itself as java after the first build, so the marker is the home
  // folder, which is in the command line of both.
  marker: (paths) => files(paths).home,

  async prepare(context) {
    const keycloak = files(context.paths);
    await download(context.paths, keycloak);
    copyRealm(keycloak);
    await ensureServerCertificate(context.paths, 'keycloak');
    context.keycloakJavaHome = await javaHome();
  },

  start(context) {
    const keycloak = files(context.paths);
    const tls = serverCertificateFiles(context.paths, 'keycloak');
    const args = [
      'start-dev',
      `--http-host=${HOST}`,
      '--http-enabled=false',
      // Quarkus still binds the HTTP port when HTTP is off; move it away from 8080, which the
      // admin console's redirect URI and `npm start` use.
      `--http-port=${UNUSED_HTTP_PORT}`,
      `--https-port=${PORT}`,
      `--https-certificate-file=${tls.cert}`,
      `--https-certificate-key-file=${tls.key}`,
      `--hostname=${KEYCLOAK_BASE_URL}`,
      '--import-realm',
    ];

    return spawnDetached(keycloak.launcher, args, {
      cwd: keycloak.home,
      env: keycloakEnvironment(context.secrets, context.keycloakJavaHome),
      logFile: context.paths.logFile('keycloak'),
    });
  },

  probe: async (context) =>
    (await httpStatus(`${OIDC_ISSUER}/.well-known/openid-configuration`, {
      ca: readFileSync(devCaFile(context.paths)),
    })) === 200,
};
