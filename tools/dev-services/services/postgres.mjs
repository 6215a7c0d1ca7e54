// PostgreSQL: a cluster of its own in the state folder, on 127.0.0.1:15432 with a socket
// folder of its own, a database "stadtdaten" and the login roles stadtdaten and
// stadtdaten_personal (the latter for the separate personal-data schema). TCP connections
// must use TLS (a server certificate of the dev CA); only the socket, which this script uses
// for the setup as superuser, works without.
import {
  appendFileSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import { DevServicesError } from '../lib/errors.mjs';
import { logText, message } from '../lib/messages.mjs';
import { isRoot, isServiceProcess, runCommand, systemUser } from '../lib/processes.mjs';
import { isPortOpen } from '../lib/probes.mjs';
import { findProgram } from '../lib/system.mjs';
import { ensureServerCertificate, grantKeyAccess } from '../lib/tls.mjs';

const HOST = '127.0.0.1';
const PORT = 15432;
const START_TIMEOUT_SECONDS = 90;
const DEBIAN_POSTGRES = '/usr/lib/postgresql';

function files(paths) {
  const dir = paths.service('postgres');

  return { dir, data: join(dir, 'data'), sockets: join(dir, 'run'), log: paths.logFile('postgres') };
}

/** Returns the folder with initdb, pg_ctl and psql: the one of initdb on PATH, else Debian's newest. */
function binaryFolder() {
  const initdb = findProgram('initdb');
  if (initdb) {
    return dirname(realpathSync(initdb));
  }
  if (!existsSync(DEBIAN_POSTGRES)) {
    return undefined;
  }
  const versions = readdirSync(DEBIAN_POSTGRES)
    .filter((version) => existsSync(join(DEBIAN_POSTGRES, version, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));

  return versions.length > 0 ? join(DEBIAN_POSTGRES, versions[0], 'bin') : undefined;
}

// PostgreSQL refuses to run as root, so as root every command runs as the "postgres" user.
async function commandOptions(context) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PG')));
  if (!isRoot()) {
    return { env };
  }
  const user = await systemUser('postgres');
  if (user === undefined) {
    throw new DevServicesError(
      'POSTGRES_USER_MISSING',
      message('commandMissing', 'postgres (user)', 'install the Debian package: apt-get install postgresql'),
    );
  }

  return { env, uid: user.uid, gid: user.gid, cwd: files(context.paths).dir };
}

async function resolveCommands(context) {
  context.postgresBin ??= binaryFolder();
  context.postgresOptions ??= await commandOptions(context);
}

/** Settings file that postgresql.conf includes; written at every `up`, so it also updates older clusters. */
const SETTINGS_FILE = 'dev-services.conf';

function settings(postgres, tls) {
  return [
    '# Written by tools/dev-services at every "up"; edit the script, not this file.',
    `listen_addresses = '${HOST}'`,
    `port = ${PORT}`,
    `unix_socket_directories = '${postgres.sockets}'`,
    "password_encryption = 'scram-sha-256'",
    'ssl = on',
    `ssl_cert_file = '${tls.cert}'`,
    `ssl_key_file = '${tls.key}'`,
    "ssl_min_protocol_version = 'TLSv1.2'",
    '',
  ].join('\n');
}

// Only hostssl lines, so a TCP connection without TLS finds no entry and is rejected.
const HOST_BASED_AUTHENTICATION = `# Written by tools/dev-services at every "up"; edit the script, not this file.
# TYPE   DATABASE USER ADDRESS       METHOD
local    all      all                trust
hostssl  all      all  127.0.0.1/32  scram-sha-256
hostssl  all      all  ::1/128       scram-sha-256
`;

/** Writes the settings file and pg_hba.conf, and makes postgresql.conf include the settings file. */
function writeConfiguration(postgres, tls) {
  writeFileSync(join(postgres.data, SETTINGS_FILE), settings(postgres, tls));
  writeFileSync(join(postgres.data, 'pg_hba.conf'), HOST_BASED_AUTHENTICATION);
  const mainFile = join(postgres.data, 'postgresql.conf');
  const include = `include '${SETTINGS_FILE}'`;
  if (!readFileSync(mainFile, 'utf8').split('\n').includes(include)) {
    appendFileSync(mainFile, `\n# Added by tools/dev-services.\n${include}\n`);
  }
}

// Runs as the superuser over the socket. The psql variables keep the passwords out of argv.
function setupScript(secrets) {
  return `\\set ON_ERROR_STOP on
\\set main_password '${secrets.postgresPassword}'
\\set personal_password '${secrets.postgresPersonalPassword}'
SELECT 'CREATE ROLE stadtdaten LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stadtdaten') \\gexec
SELECT 'CREATE ROLE stadtdaten_personal LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stadtdaten_personal') \\gexec
ALTER ROLE stadtdaten WITH LOGIN PASSWORD :'main_password';
ALTER ROLE stadtdaten_personal WITH LOGIN PASSWORD :'personal_password';
SELECT 'CREATE DATABASE stadtdaten OWNER stadtdaten' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'stadtdaten') \\gexec
REVOKE ALL ON DATABASE stadtdaten FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE stadtdaten TO stadtdaten_personal;
`;
}

function postmasterPid(postgres) {
  try {
    return Number(readFileSync(join(postgres.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

export const postgres = {
  name: 'postgres',
  address: `${HOST}:${PORT}`,
  detail: 'database stadtdaten',
  ports: [PORT],
  readyTimeoutMs: 30_000,
  // SIGINT is PostgreSQL's fast shutdown, whereas SIGTERM waits for every client to disconnect.
  stop: { signal: 'SIGINT', group: false, timeoutMs: 60_000 },

  missingPackages: () => (binaryFolder() ? [] : ['postgresql']),

  marker: (paths) => files(paths).data,

  async prepare(context) {
    const postgresFiles = files(context.paths);
    await resolveCommands(context);
    const { uid, gid } = context.postgresOptions;

    for (const dir of [postgresFiles.dir, postgresFiles.sockets]) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (uid !== undefined) {
        chownSync(dir, uid, gid);
      }
    }
    closeSync(openSync(postgresFiles.log, 'a'));
    if (uid !== undefined) {
      chownSync(postgresFiles.log, uid, gid);
    }

    if (!existsSync(join(postgresFiles.data, 'PG_VERSION'))) {
      logText('postgres', { de: `initdb ${postgresFiles.data}`, en: `initdb ${postgresFiles.data}` });
      await runCommand(
        join(context.postgresBin, 'initdb'),
        [
          '-D',
          postgresFiles.data,
          '-U',
          'postgres',
          '--auth-local=trust',
          '--auth-host=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
          '--no-instructions',
        ],
        { ...context.postgresOptions, timeoutMs: 120_000 },
      );
    }
    const tls = await ensureServerCertificate(context.paths, 'postgres');
    grantKeyAccess(tls, uid === undefined ? undefined : { uid, gid });
    writeConfiguration(postgresFiles, tls);
  },

  async start(context) {
    const postgresFiles = files(context.paths);
    await runCommand(
      join(context.postgresBin, 'pg_ctl'),
      ['-D', postgresFiles.data, '-l', postgresFiles.log, '-w', '-t', String(START_TIMEOUT_SECONDS), 'start'],
      { ...context.postgresOptions, timeoutMs: (START_TIMEOUT_SECONDS + 30) * 1000 },
    );
    const pid = postmasterPid(postgresFiles);

    return { pid, exited: () => pid === undefined || !isServiceProcess(pid, postgresFiles.data) };
  },

  probe: () => isPortOpen(PORT),

  async configure(context) {
    const postgresFiles = files(context.paths);
    await resolveCommands(context);
    logText('postgres', {
      de: 'lege Rollen stadtdaten, stadtdaten_personal und Datenbank stadtdaten an (falls fehlend)',
      en: 'creating roles stadtdaten, stadtdaten_personal and database stadtdaten (where missing)',
    });
    await runCommand(
      join(context.postgresBin, 'psql'),
      ['-X', '-q', '-h', postgresFiles.sockets, '-p', String(PORT), '-U', 'postgres', '-d', 'postgres'],
      { ...context.postgresOptions, input: setupScript(context.secrets), timeoutMs: 60_000 },
    );
  },
};
